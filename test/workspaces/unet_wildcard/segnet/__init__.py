# The package re-exports its model: `from segnet import TinyUNet`.
from .model import TinyUNet
