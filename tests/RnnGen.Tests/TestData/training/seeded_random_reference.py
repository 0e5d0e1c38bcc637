#!/usr/bin/python3
"""An independent Python version of RnnGen.Training.SeededRandom and the per-tensor seeding of Initializer.

Prints the first values Initializer.Apply(InitScheme.PyTorchDefault, seed=12345) gives `weight_hh_l0` of an LSTM with
H = 4 (bound 1/sqrt(4) = 0.5), which InitializerTests pins so that any change of the generator, the seeding or the
sampling is caught. Recipe: stream seed = seed ^ FNV-1a-64 over the name's UTF-16 code units; state = four SplitMix64
outputs; xoshiro256**; u = (next >> 11) * 2^-53; value = float32(-b + 2b * u).
"""
import struct

M = (1 << 64) - 1

def fnv1a(name):
    h = 14695981039346656037
    for unit in struct.unpack(f"<{len(name.encode('utf-16-le')) // 2}H", name.encode("utf-16-le")):
        h = ((h ^ unit) * 1099511628211) & M
    return h

def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & M
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return state, z ^ (z >> 31)

def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M

class Xoshiro256StarStar:
    def __init__(self, seed):
        self.s = []
        for _ in range(4):
            seed, z = splitmix64(seed)
            self.s.append(z)

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 17) & M
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def double(self):
        return (self.next() >> 11) * (1.0 / (1 << 53))

def f32(v):
    return struct.unpack("f", struct.pack("f", v))[0]

if __name__ == "__main__":
    rng = Xoshiro256StarStar(12345 ^ fnv1a("weight_hh_l0"))
    bound = 0.5
    print([repr(f32(-bound + 2 * bound * rng.double())) for _ in range(4)])
