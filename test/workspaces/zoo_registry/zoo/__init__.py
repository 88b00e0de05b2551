from zoo.mixer import MixerNet, build_mixer
