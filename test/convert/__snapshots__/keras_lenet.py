# Keras version of the PyTorch model `LeNet`: images are channels-last (N, H, W, C) where PyTorch has (N, C, H, W).
from tensorflow import keras
from tensorflow.keras import layers


le_net_keras = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(6, 5),
        layers.ReLU(),
        layers.MaxPooling2D(2),
        layers.Conv2D(16, 5),
        layers.ReLU(),
        layers.MaxPooling2D(2),
        # PyTorch flattens channels-first: the Permute keeps the order of the features, so ported Linear weights give the same outputs
        layers.Permute((3, 1, 2)),
        layers.Flatten(),
        layers.Dense(120),
        layers.ReLU(),
        layers.Dense(10),
        layers.Activation("log_softmax"),
    ],
    name="LeNet",
)
