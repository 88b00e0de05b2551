from tinynet.model import TinyNet
