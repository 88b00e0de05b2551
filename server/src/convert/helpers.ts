// Python helper classes and functions that converted code may need, written once at the top of the
// file: each one computes a Keras layer exactly where no single PyTorch module does (TensorFlow's
// 'same' padding for sizes known only at run time, Keras's recurrent equations, a PReLU slope per
// element, dropout with a noise shape). The layer table names the helpers it uses; pytorch.ts
// writes each one needed once, with the helpers it depends on first.

import { LOADER_CODE, LOADER_HELPER } from './weights';

interface Helper {
  code: string;
  /** Helpers this one uses. */
  needs?: string[];
}

const HELPERS: Record<string, Helper> = {
  ChannelsLastFlatten: {
    code: `class ChannelsLastFlatten(nn.Module):
    """Flattens like Keras: channels last, so that weights ported from Keras give the same outputs."""

    def forward(self, x):
        return torch.flatten(x.movedim(1, -1), 1)`,
  },

  SamePad: {
    code: `class SamePad(nn.Module):
    """TensorFlow's 'same' padding of a window, computed from the input size when the layer runs: the
    extra row or column goes at the bottom/right. \`value\` fills it (-inf before a max pooling)."""

    def __init__(self, kernel_size, stride, dilation, value=0.0):
        super().__init__()
        self.kernel_size, self.stride, self.dilation, self.value = kernel_size, stride, dilation, value

    def forward(self, x):
        pads = []
        for i in reversed(range(len(self.kernel_size))):
            size, k, s, d = x.shape[2 + i], self.kernel_size[i], self.stride[i], self.dilation[i]
            total = max((-(-size // s) - 1) * s + (k - 1) * d + 1 - size, 0)
            pads += [total // 2, total - total // 2]
        return F.pad(x, pads, value=self.value)`,
  },

  AvgPoolSame: {
    needs: ['SamePad'],
    code: `class AvgPoolSame(nn.Module):
    """TensorFlow's 'same' average pooling: a window that reaches into the padding averages only the
    real elements it covers, whichever side the padding is on."""

    def __init__(self, kernel_size, stride):
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride
        self.pad = SamePad(kernel_size, stride, (1,) * len(kernel_size))

    def forward(self, x):
        pool = (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)[len(self.kernel_size) - 1]
        ones = torch.ones_like(x[:, :1])
        return pool(self.pad(x), self.kernel_size, self.stride) / pool(self.pad(ones), self.kernel_size, self.stride)`,
  },

  KerasRecurrent: {
    code: `class KerasRecurrent(nn.Module):
    """A Keras SimpleRNN, LSTM or GRU computed with Keras's own equations, for what nn.RNN, nn.LSTM and
    nn.GRU cannot express: other activations, GRU with reset_after=False (the reset gate applied to the
    state before the recurrent matmul), dropout masks shared by all time steps, stateful layers.
    Parameters are laid out like nn.LSTM's (weight_ih_l0 (gates * units, features), weight_hh_l0,
    bias_ih_l0, bias_hh_l0, *_reverse) in PyTorch's gate order (LSTM i, f, g, o; GRU r, z, n). It is
    called like nn.LSTM(batch_first=True): (N, T, F) -> (output, h_n), or (output, (h_n, c_n))."""

    def __init__(self, kind, input_size, hidden_size, bias=True, bidirectional=False, activation=torch.tanh,
                 recurrent_activation=torch.sigmoid, reset_after=True, dropout=0.0, recurrent_dropout=0.0, stateful=False):
        super().__init__()
        gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
        self.kind, self.hidden_size, self.bidirectional, self.reset_after = kind, hidden_size, bidirectional, reset_after
        self.activation, self.recurrent_activation = activation, recurrent_activation
        self.dropout, self.recurrent_dropout, self.stateful, self.state = dropout, recurrent_dropout, stateful, None
        for suffix in ["_l0", "_l0_reverse"][: 2 if bidirectional else 1]:
            for name, columns in (("weight_ih", input_size), ("weight_hh", hidden_size)):
                weight = nn.Parameter(torch.empty(gates * hidden_size, columns))
                nn.init.xavier_uniform_(weight)
                self.register_parameter(name + suffix, weight)
            for name in ("bias_ih", "bias_hh"):
                self.register_parameter(name + suffix, nn.Parameter(torch.zeros(gates * hidden_size)) if bias else None)

    def reset_states(self):
        self.state = None

    def _mask(self, like, rate):
        if not self.training or rate == 0:
            return None
        return F.dropout(torch.ones_like(like), rate)

    def forward(self, x, state=None):
        if state is None and self.stateful:
            state = self.state
        outputs, hs, cs = [], [], []
        for d, suffix in enumerate(["_l0", "_l0_reverse"][: 2 if self.bidirectional else 1]):
            w_ih, w_hh = getattr(self, "weight_ih" + suffix), getattr(self, "weight_hh" + suffix)
            b_ih, b_hh = getattr(self, "bias_ih" + suffix), getattr(self, "bias_hh" + suffix)
            zeros = x.new_zeros(x.shape[0], self.hidden_size)
            h = zeros if state is None else (state[0] if self.kind == "lstm" else state)[d]
            c = zeros if state is None or self.kind != "lstm" else state[1][d]
            xs = x.flip(1) if d == 1 else x
            input_mask, state_mask = self._mask(xs[:, 0], self.dropout), self._mask(h, self.recurrent_dropout)
            steps = []
            for t in range(xs.shape[1]):
                xt = xs[:, t] if input_mask is None else xs[:, t] * input_mask
                hr = h if state_mask is None else h * state_mask
                gx = F.linear(xt, w_ih, b_ih)
                if self.kind == "rnn":
                    h = self.activation(gx + F.linear(hr, w_hh, b_hh))
                elif self.kind == "lstm":
                    i, f, g, o = (gx + F.linear(hr, w_hh, b_hh)).chunk(4, 1)
                    c = self.recurrent_activation(f) * c + self.recurrent_activation(i) * self.activation(g)
                    h = self.recurrent_activation(o) * self.activation(c)
                else:
                    xr, xz, xn = gx.chunk(3, 1)
                    if self.reset_after:
                        hr_, hz, hn = F.linear(hr, w_hh, b_hh).chunk(3, 1)
                        r, z = self.recurrent_activation(xr + hr_), self.recurrent_activation(xz + hz)
                        n = self.activation(xn + r * hn)
                    else:
                        u_r, u_z, u_n = w_hh.chunk(3, 0)
                        c_r, c_z, c_n = b_hh.chunk(3) if b_hh is not None else (None, None, None)
                        r = self.recurrent_activation(xr + F.linear(hr, u_r, c_r))
                        z = self.recurrent_activation(xz + F.linear(hr, u_z, c_z))
                        n = self.activation(xn + F.linear(r * hr, u_n, c_n))
                    h = z * h + (1 - z) * n
                steps.append(h)
            output = torch.stack(steps, 1)
            outputs.append(output.flip(1) if d == 1 else output)
            hs.append(h)
            cs.append(c)
        h_n = torch.stack(hs)
        final = (h_n, torch.stack(cs)) if self.kind == "lstm" else h_n
        if self.stateful:
            self.state = (final[0].detach(), final[1].detach()) if self.kind == "lstm" else final.detach()
        return torch.cat(outputs, 2), final`,
  },

  KerasPReLU: {
    code: `class KerasPReLU(nn.Module):
    """Keras PReLU: a learned slope per element of \`shape\`, the input's shape without the batch axis
    (channels first) with 1 along the axes Keras shares a slope over."""

    def __init__(self, shape):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(shape))

    def forward(self, x):
        return torch.where(x >= 0, x, self.weight * x)`,
  },

  NoiseShapeDropout: {
    code: `class NoiseShapeDropout(nn.Module):
    """Keras Dropout with a noise_shape: one keep-or-drop draw per element of the noise shape (channels
    first; -1 for an axis as long as the input's), shared along the other axes."""

    def __init__(self, p, noise_shape):
        super().__init__()
        self.p, self.noise_shape = p, noise_shape

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        shape = [x.shape[i] if n == -1 else n for i, n in enumerate(self.noise_shape)]
        keep = (torch.rand(shape, device=x.device) >= self.p).to(x.dtype)
        return x * keep / (1 - self.p)`,
  },

  GaussianNoise: {
    code: `class GaussianNoise(nn.Module):
    """Keras GaussianNoise: adds zero-centred normal noise while training, the identity otherwise."""

    def __init__(self, stddev):
        super().__init__()
        self.stddev = stddev

    def forward(self, x):
        return x + torch.randn_like(x) * self.stddev if self.training else x`,
  },

  GaussianDropout: {
    code: `class GaussianDropout(nn.Module):
    """Keras GaussianDropout: multiplies by normal noise of mean 1 while training, the identity otherwise."""

    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def forward(self, x):
        if not self.training or self.rate == 0:
            return x
        return x * (1 + torch.randn_like(x) * (self.rate / (1 - self.rate)) ** 0.5)`,
  },

  RandomFlip: {
    code: `class RandomFlip(nn.Module):
    """Keras RandomFlip: while training, flips each image (one draw per image) left-right and/or up-down;
    the identity otherwise."""

    def __init__(self, horizontal=True, vertical=True):
        super().__init__()
        self.horizontal, self.vertical = horizontal, vertical

    def forward(self, x):
        if not self.training:
            return x
        flip = torch.rand((x.shape[0],) + (1,) * (x.dim() - 1), device=x.device) <= 0.5
        if self.horizontal:
            x = torch.where(flip, x.flip(-1), x)
        if self.vertical:
            x = torch.where(flip, x.flip(-2), x)
        return x`,
  },

  KerasNormalization: {
    code: `class KerasNormalization(nn.Module):
    """Keras Normalization: (x - mean) / max(sqrt(variance), 1e-7) per channel, or its inverse; the mean and
    variance are buffers, from the arguments or load_keras_weights (what adapt() computed)."""

    def __init__(self, channels, mean=None, variance=None, invert=False, dims=4):
        super().__init__()
        shape = (1, channels) + (1,) * (dims - 2)
        self.register_buffer("mean", torch.zeros(shape) if mean is None else torch.tensor(mean, dtype=torch.float32).reshape(shape))
        self.register_buffer("variance", torch.ones(shape) if variance is None else torch.tensor(variance, dtype=torch.float32).reshape(shape))
        self.invert = invert

    def forward(self, x):
        std = torch.sqrt(self.variance).clamp(min=1e-7)
        return self.mean + x * std if self.invert else (x - self.mean) / std`,
  },

  keras_hard_sigmoid: {
    code: `def keras_hard_sigmoid(x):
    """Keras 2's hard_sigmoid activation: clip(0.2 * x + 0.5, 0, 1)."""
    return (0.2 * x + 0.5).clamp(0.0, 1.0)`,
  },

  keras_sparse_plus: {
    code: `def keras_sparse_plus(x):
    """Keras's sparse_plus activation: 0 below -1, (x + 1)² / 4 between, x above 1."""
    return torch.where(x <= -1, torch.zeros_like(x), torch.where(x >= 1, x, (x + 1) ** 2 / 4))`,
  },

  keras_squareplus: {
    code: `def keras_squareplus(x, b=4.0):
    """Keras's squareplus activation: (x + sqrt(x² + b)) / 2."""
    return (x + torch.sqrt(x ** 2 + b)) / 2`,
  },

  keras_sparse_sigmoid: {
    code: `def keras_sparse_sigmoid(x):
    """Keras's sparse_sigmoid activation: 0 below -1, (x + 1) / 2 between, 1 above 1."""
    return torch.where(x <= -1, torch.zeros_like(x), torch.where(x >= 1, torch.ones_like(x), (x + 1) / 2))`,
  },
};

HELPERS[LOADER_HELPER] = { code: LOADER_CODE };

/** The code of the helpers named, each once, those they need first; unknown names are skipped. */
export function helperCode(names: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !HELPERS[name]) return;
    seen.add(name);
    for (const n of HELPERS[name].needs ?? []) visit(n);
    out.push(HELPERS[name].code);
  };
  names.forEach(visit);
  return out;
}
