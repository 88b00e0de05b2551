# The package re-exports its modules with wildcard imports; the second module imports the base
# class back from this package while it is still being imported (a cycle Python allows, since
# the first wildcard import has already bound the name).
from .base import *
from .vae import *
