// RTNeural's compile-time API (ModelT) on the twelve Step models of the benchmark suite: LSTM/GRU(I→H) + Dense(H→1).
// benchmarks/rtneural/run.sh builds it twice, with -DRTNEURAL_USE_EIGEN=1 and -DRTNEURAL_USE_XSIMD=1.
//
//   rtneural_peer outputs DIR       per model, reads DIR/<model>.safetensors (written by the C# suite, PyTorch
//                                   state_dict names) and DIR/<model>.in.f32 (kSteps × I float32), and writes
//                                   DIR/<model>.<backend>.out.f32: the outputs of the first kCheckSteps steps from a
//                                   zero state, which the C# side compares with its own before anything is timed.
//   rtneural_peer time DIR MODEL    prints "MODEL <median ns per step> <backend>": the same loop and statistics as
//                                   the C# side (PeerTiming.cs): n steps cycling through the inputs, outputs summed,
//                                   n doubled until one repetition takes ≥ 5 ms, median of 15 repetitions.
#include <RTNeural/RTNeural.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#if RTNEURAL_USE_XSIMD
static const char* const kBackend = "xsimd";
#elif RTNEURAL_USE_EIGEN
static const char* const kBackend = "eigen";
#else
#error "build with -DRTNEURAL_USE_EIGEN=1 or -DRTNEURAL_USE_XSIMD=1"
#endif

constexpr int kSteps = 1024, kCheckSteps = 100, kRepetitions = 15;

static std::vector<char> readFile(const std::string& path)
{
    FILE* f = std::fopen(path.c_str(), "rb");
    if(!f) throw std::runtime_error("cannot open " + path);
    std::vector<char> bytes;
    char buffer[1 << 16];
    for(size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) bytes.insert(bytes.end(), buffer, buffer + n);
    std::fclose(f);
    return bytes;
}

// A safetensors file as the C# suite writes it: u64 header length, JSON header, F32 data. Only what this needs:
// a tensor's element range, found by name, with its element count checked.
struct Safetensors
{
    std::vector<char> bytes;
    std::string header;
    explicit Safetensors(const std::string& path) : bytes(readFile(path))
    {
        uint64_t n;
        if(bytes.size() < 8) throw std::runtime_error(path + ": not a safetensors file");
        std::memcpy(&n, bytes.data(), 8);
        header.assign(bytes.data() + 8, n);
    }
    std::vector<float> tensor(const std::string& name, size_t count) const
    {
        const size_t at = header.find("\"" + name + "\"");
        const size_t offsets = header.find("\"data_offsets\"", at);
        if(at == std::string::npos || offsets == std::string::npos) throw std::runtime_error("no tensor " + name);
        if(header.find("\"F32\"", at) > offsets) throw std::runtime_error(name + " is not F32");
        unsigned long long begin, end;
        if(std::sscanf(header.c_str() + header.find('[', offsets), "[%llu,%llu]", &begin, &end) != 2)
            throw std::runtime_error("bad data_offsets for " + name);
        if(end - begin != count * sizeof(float)) throw std::runtime_error(name + " has the wrong size");
        std::vector<float> v(count);
        std::memcpy(v.data(), bytes.data() + 8 + header.size() + begin, end - begin);
        return v;
    }
};

// PyTorch keeps W as [gates·H × in] with gate blocks i,f,g,o (LSTM) or r,z,n (GRU); RTNeural's setWVals/setUVals take
// it transposed, [in][gates·H], with the GRU's first two blocks in the order z,r.
static std::vector<std::vector<float>> rtneuralKernel(const std::vector<float>& w, int gates, int h, int in)
{
    std::vector<std::vector<float>> v(in, std::vector<float>(gates * h));
    for(int j = 0; j < in; ++j)
        for(int row = 0; row < gates * h; ++row)
        {
            const int block = row / h, k = row % h;
            const int source = gates == 3 && block < 2 ? 1 - block : block;
            v[j][row] = w[(size_t)(source * h + k) * in + j];
        }
    return v;
}

template <int I, int H> using Lstm = RTNeural::ModelT<float, I, 1, RTNeural::LSTMLayerT<float, I, H>, RTNeural::DenseT<float, H, 1>>;
template <int I, int H> using Gru = RTNeural::ModelT<float, I, 1, RTNeural::GRULayerT<float, I, H>, RTNeural::DenseT<float, H, 1>>;

template <int I, int H>
static void load(Lstm<I, H>& net, const Safetensors& st)
{
    auto& cell = net.template get<0>();
    cell.setWVals(rtneuralKernel(st.tensor("rnn.weight_ih_l0", 4 * H * I), 4, H, I));
    cell.setUVals(rtneuralKernel(st.tensor("rnn.weight_hh_l0", 4 * H * H), 4, H, H));
    auto b = st.tensor("rnn.bias_ih_l0", 4 * H); // RTNeural's LSTM has one bias: b_ih + b_hh
    const auto bhh = st.tensor("rnn.bias_hh_l0", 4 * H);
    for(int n = 0; n < 4 * H; ++n) b[n] += bhh[n];
    cell.setBVals(b);
    net.template get<1>().setWeights(std::vector<std::vector<float>> { st.tensor("head.weight", H) });
    net.template get<1>().setBias(st.tensor("head.bias", 1).data());
}

template <int I, int H>
static void load(Gru<I, H>& net, const Safetensors& st)
{
    auto& cell = net.template get<0>();
    cell.setWVals(rtneuralKernel(st.tensor("rnn.weight_ih_l0", 3 * H * I), 3, H, I));
    cell.setUVals(rtneuralKernel(st.tensor("rnn.weight_hh_l0", 3 * H * H), 3, H, H));
    std::vector<std::vector<float>> b { st.tensor("rnn.bias_ih_l0", 3 * H), st.tensor("rnn.bias_hh_l0", 3 * H) };
    for(auto& v : b) std::swap_ranges(v.begin(), v.begin() + H, v.begin() + H); // r,z,n → z,r,n
    cell.setBVals(b);
    net.template get<1>().setWeights(std::vector<std::vector<float>> { st.tensor("head.weight", H) });
    net.template get<1>().setBias(st.tensor("head.bias", 1).data());
}

// The inputs, one step every `stride` floats in a 64-byte-aligned, zero-padded buffer: RTNeural's xsimd ModelT loads
// whole vectors from the input pointer and its Eigen ModelT maps it as aligned. With I = 1 both read one float.
struct Inputs
{
    int stride;
    float* data;
    Inputs(const std::string& path, int in) : stride(in == 1 ? 1 : (in + 15) / 16 * 16)
    {
        const std::vector<char> bytes = readFile(path);
        if(bytes.size() != (size_t)kSteps * in * sizeof(float)) throw std::runtime_error(path + " has the wrong size");
        const size_t size = ((size_t)kSteps * stride * sizeof(float) + 63) / 64 * 64;
        data = static_cast<float*>(std::aligned_alloc(64, size));
        std::memset(data, 0, size);
        for(int t = 0; t < kSteps; ++t) std::memcpy(data + (size_t)t * stride, bytes.data() + (size_t)t * in * sizeof(float), in * sizeof(float));
    }
    ~Inputs() { std::free(data); }
    const float* step(long t) const { return data + (size_t)(t & (kSteps - 1)) * stride; }
};

template <class Net>
__attribute__((noinline)) static float run(Net& net, const Inputs& x, long n)
{
    float sum = 0.0f;
    for(long t = 0; t < n; ++t) sum += net.forward(x.step(t));
    return sum;
}

template <class Net>
static double medianNs(Net& net, const Inputs& x)
{
    using clock = std::chrono::steady_clock;
    auto since = [](clock::time_point t0) { return std::chrono::duration<double>(clock::now() - t0).count(); };
    volatile float sink = 0.0f;
    for(auto t0 = clock::now(); since(t0) < 0.2;) sink = sink + run(net, x, 1000);
    long n = 1000;
    for(auto t0 = clock::now(); sink = sink + run(net, x, n), since(t0) < 5e-3; t0 = clock::now()) n *= 2;
    std::vector<double> ns;
    for(int r = 0; r < kRepetitions; ++r)
    {
        const auto t0 = clock::now();
        sink = sink + run(net, x, n);
        ns.push_back(since(t0) * 1e9 / n);
    }
    std::sort(ns.begin(), ns.end());
    return ns[kRepetitions / 2];
}

template <template <int, int> class NetT, int I, int H>
static void model(const char* name, const std::string& mode, const std::string& dir, const std::string& only)
{
    if(mode == "time" && only != name) return;
    auto net = std::make_unique<NetT<I, H>>(); // heap: the layers' members are over-aligned
    load(*net, Safetensors(dir + "/" + name + ".safetensors"));
    net->reset();
    const Inputs x(dir + "/" + name + ".in.f32", I);
    if(mode == "time")
    {
        std::printf("%s %.2f %s\n", name, medianNs(*net, x), kBackend);
        return;
    }
    std::vector<float> y(kCheckSteps);
    for(int t = 0; t < kCheckSteps; ++t) y[t] = net->forward(x.step(t));
    const std::string path = dir + "/" + name + "." + kBackend + ".out.f32";
    FILE* f = std::fopen(path.c_str(), "wb");
    if(!f || std::fwrite(y.data(), sizeof(float), y.size(), f) != y.size()) throw std::runtime_error("cannot write " + path);
    std::fclose(f);
}

int main(int argc, char** argv)
{
    const std::string mode = argc > 2 ? argv[1] : "", dir = argc > 2 ? argv[2] : "", only = argc > 3 ? argv[3] : "";
    if(!((mode == "outputs" && argc == 3) || (mode == "time" && argc == 4)))
    {
        std::fprintf(stderr, "usage: %s outputs DIR | time DIR MODEL\n", argv[0]);
        return 2;
    }
    try
    {
        model<Lstm, 1, 8>("Lstm_1x8", mode, dir, only);
        model<Lstm, 1, 16>("Lstm_1x16", mode, dir, only);
        model<Lstm, 1, 32>("Lstm_1x32", mode, dir, only);
        model<Lstm, 1, 64>("Lstm_1x64", mode, dir, only);
        model<Lstm, 8, 64>("Lstm_8x64", mode, dir, only);
        model<Lstm, 16, 128>("Lstm_16x128", mode, dir, only);
        model<Gru, 1, 8>("Gru_1x8", mode, dir, only);
        model<Gru, 1, 16>("Gru_1x16", mode, dir, only);
        model<Gru, 1, 32>("Gru_1x32", mode, dir, only);
        model<Gru, 1, 64>("Gru_1x64", mode, dir, only);
        model<Gru, 8, 64>("Gru_8x64", mode, dir, only);
        model<Gru, 16, 128>("Gru_16x128", mode, dir, only);
    }
    catch(const std::exception& e)
    {
        std::fprintf(stderr, "rtneural_peer (%s): %s\n", kBackend, e.what());
        return 1;
    }
    return 0;
}
