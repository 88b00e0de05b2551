# Two spellings of a module of a namespace package; both reach the same class.
import torch
from nets import lenet
import nets.lenet

first = lenet.LeNet()
same_class = nets.lenet.LeNet
first(torch.ones(5, 1, 28, 28))
