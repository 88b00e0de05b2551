from .pool import PoolHead
