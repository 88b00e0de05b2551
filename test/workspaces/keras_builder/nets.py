# A Keras builder in one file, built by a short script in another: its Input, whose spatial
# sizes are open, is looked up for an `# input:` comment in this file's lines, not the script's.
from tensorflow import keras
from tensorflow.keras import layers


def build_net(channels, classes):
    # Any image size: the convolution and pooling keep the channels known.
    inputs = keras.Input(shape=(None, None, channels))
    x = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(classes)(x)
    return keras.Model(inputs, outputs)
