from .nets import *
