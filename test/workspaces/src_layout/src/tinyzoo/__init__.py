# An installable package in the src/ layout: scripts import it by its name.
from tinyzoo.heads import Classifier

__all__ = ['Classifier']
