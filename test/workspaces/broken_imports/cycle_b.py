from cycle_a import DEPTH, body

WIDTH = 8
