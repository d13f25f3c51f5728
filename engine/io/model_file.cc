#include "engine/io/model_file.h"

#include <cmath>
#include <cstring>

#include "engine/base/crc32.h"
#include "platform/error.h"
#include "platform/files.h"

namespace tinymlp {
namespace {

constexpr char kMagic[4] = {'T', 'M', 'L', 'P'};

// Floats after the header: normalization, weights and biases, batch-norm section.
uint64_t ModelFloats(const MlpShape& shape) {
  uint64_t floats = 2 * uint64_t{static_cast<uint32_t>(shape.input)};
  for (int l = 0; l < shape.layers(); ++l) {
    const uint64_t in = static_cast<uint32_t>(shape.in(l));
    const uint64_t out = static_cast<uint32_t>(shape.out(l));
    floats += in * out + out + (shape.has_bn(l) ? 4 * out : 0);
  }
  return floats;
}

// Empty when every value of the model is finite, else which part is not.
const char* NonFinitePart(const Model& model) {
  auto finite = [](const std::vector<std::vector<float>>& parts) {
    for (const std::vector<float>& part : parts) {
      for (float v : part) {
        if (!std::isfinite(v)) return false;
      }
    }
    return true;
  };
  if (!finite({model.norm.mean, model.norm.inv_std})) return "normalization";
  if (!finite(model.w) || !finite(model.b)) return "weights";
  if (!finite(model.gamma) || !finite(model.beta) || !finite(model.running_mean) ||
      !finite(model.running_var)) {
    return "batch-norm parameters";
  }
  return nullptr;
}

class Writer {
 public:
  void U32(uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void F32(float f) {
    uint32_t v;
    std::memcpy(&v, &f, 4);
    U32(v);
  }
  void Floats(const std::vector<float>& v) {
    for (float f : v) F32(f);
  }
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

class Reader {
 public:
  Reader(const std::vector<uint8_t>& bytes, size_t end, const std::string& name)
      : bytes_(bytes), end_(end), name_(name) {}
  uint32_t U32(const char* what) {
    if (end_ - pos_ < 4) {
      throw DataError(name_ + ": model file cut short while reading " + what + " (at byte " +
                      std::to_string(pos_) + " of " + std::to_string(bytes_.size()) + ")");
    }
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(bytes_[pos_ + i]) << (8 * i);
    pos_ += 4;
    return v;
  }
  std::vector<float> Floats(size_t n, const char* what) {
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i) {
      const uint32_t u = U32(what);
      std::memcpy(&v[i], &u, 4);
    }
    return v;
  }
  size_t pos() const { return pos_; }

 private:
  const std::vector<uint8_t>& bytes_;
  size_t end_;
  const std::string& name_;
  size_t pos_ = 0;
};

}  // namespace

std::string CheckModelShape(const MlpShape& shape) {
  const auto width_ok = [](int w) { return w >= 1 && w <= kModelMaxWidth; };
  if (!width_ok(shape.input)) {
    return "input size " + std::to_string(shape.input) + " is not in 1.." +
           std::to_string(kModelMaxWidth);
  }
  if (shape.classes < 2 || shape.classes > kModelMaxWidth) {
    return "class count " + std::to_string(shape.classes) + " is not in 2.." +
           std::to_string(kModelMaxWidth);
  }
  if (shape.hidden.size() > static_cast<size_t>(kModelMaxHiddenLayers)) {
    return std::to_string(shape.hidden.size()) + " hidden layers, more than the " +
           std::to_string(kModelMaxHiddenLayers) + " a model file can hold";
  }
  for (int width : shape.hidden) {
    if (!width_ok(width)) {
      return "hidden width " + std::to_string(width) + " is not in 1.." +
             std::to_string(kModelMaxWidth);
    }
  }
  const uint64_t floats = ModelFloats(shape);
  if (floats > kModelMaxFloats) {
    return std::to_string(floats) + " parameters, more than the " +
           std::to_string(kModelMaxFloats) + " a model file can hold";
  }
  return std::string();
}

uint64_t ModelFileBytes(const MlpShape& shape) {
  return 4 * (6 + static_cast<uint64_t>(shape.hidden.size())) + 4 * ModelFloats(shape) + 4;
}

Model Model::FromNetwork(const Mlp<float>& net, const Normalization& norm) {
  Model model;
  model.shape = net.shape();
  model.norm = norm;
  for (int l = 0; l < model.shape.layers(); ++l) {
    const ConstMat w = net.params().w[l];
    std::vector<float> dense;
    dense.reserve(w.size());
    for (int c = 0; c < w.cols; ++c) dense.insert(dense.end(), w.col(c), w.col(c) + w.rows);
    model.w.push_back(std::move(dense));
    if (net.params().b[l] != nullptr) {
      model.b.emplace_back(net.params().b[l], net.params().b[l] + w.rows);
    } else {
      model.b.emplace_back(w.rows, 0.0f);
    }
    if (model.shape.has_bn(l)) {
      model.gamma.emplace_back(net.params().gamma[l], net.params().gamma[l] + w.rows);
      model.beta.emplace_back(net.params().beta[l], net.params().beta[l] + w.rows);
      model.running_mean.emplace_back(net.running_mean(l), net.running_mean(l) + w.rows);
      model.running_var.emplace_back(net.running_var(l), net.running_var(l) + w.rows);
    }
  }
  model.shape.dropout = 0;  // a training setting, not part of the model
  return model;
}

void Model::CopyInto(Mlp<float>& net) const {
  for (int l = 0; l < shape.layers(); ++l) {
    const Mat w = net.params().w[l];
    for (int c = 0; c < w.cols; ++c) {
      std::copy(this->w[l].begin() + static_cast<size_t>(c) * w.rows,
                this->w[l].begin() + static_cast<size_t>(c + 1) * w.rows, w.col(c));
    }
    if (net.params().b[l] != nullptr) std::copy(b[l].begin(), b[l].end(), net.params().b[l]);
    if (shape.has_bn(l)) {
      std::copy(gamma[l].begin(), gamma[l].end(), net.params().gamma[l]);
      std::copy(beta[l].begin(), beta[l].end(), net.params().beta[l]);
      std::copy(running_mean[l].begin(), running_mean[l].end(), net.running_mean(l));
      std::copy(running_var[l].begin(), running_var[l].end(), net.running_var(l));
    }
  }
}

std::vector<uint8_t> EncodeModel(const Model& model) {
  const std::string problem = CheckModelShape(model.shape);
  if (!problem.empty()) throw DataError("cannot write a model of " + problem);
  if (const char* part = NonFinitePart(model)) {
    throw DataError(std::string("cannot write a model with NaN or infinite ") + part +
                    " (did training diverge?)");
  }
  Writer out;
  for (char c : kMagic) out.bytes().push_back(static_cast<uint8_t>(c));
  out.U32(kModelFormatVersion);
  out.U32(model.shape.input);
  out.U32(model.shape.classes);
  out.U32(static_cast<uint32_t>(model.shape.hidden.size()));
  for (int h : model.shape.hidden) out.U32(h);
  out.U32(model.shape.batch_norm ? kModelFlagBatchNorm : 0);
  out.Floats(model.norm.mean);
  out.Floats(model.norm.inv_std);
  for (int l = 0; l < model.shape.layers(); ++l) {
    out.Floats(model.w[l]);
    out.Floats(model.b[l]);
  }
  if (model.shape.batch_norm) {
    for (int l = 0; l + 1 < model.shape.layers(); ++l) {
      out.Floats(model.gamma[l]);
      out.Floats(model.beta[l]);
      out.Floats(model.running_mean[l]);
      out.Floats(model.running_var[l]);
    }
  }
  out.U32(Crc32(out.bytes().data(), out.bytes().size()));
  return std::move(out.bytes());
}

Model DecodeModel(const std::vector<uint8_t>& bytes, const std::string& name) {
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 4) != 0) {
    throw DataError(name + ": not a tinymlp model (bad magic; expected a .tmlp file)");
  }
  Reader header(bytes, bytes.size(), name);
  header.U32("magic");
  const uint32_t version = header.U32("version");
  if (version != kModelFormatVersion) {
    throw DataError(name + ": model format version " + std::to_string(version) +
                    " is not supported (this build reads version " +
                    std::to_string(kModelFormatVersion) + ")");
  }
  // The last 4 bytes are the CRC-32 of everything before them.
  if (bytes.size() < 12) throw DataError(name + ": model file cut short");
  const size_t body = bytes.size() - 4;
  uint32_t stored = 0;
  for (int i = 0; i < 4; ++i) stored |= static_cast<uint32_t>(bytes[body + i]) << (8 * i);
  Reader in(bytes, body, name);
  in.U32("magic");
  in.U32("version");
  Model model;
  const uint32_t input = in.U32("input size");
  const uint32_t classes = in.U32("class count");
  const uint32_t hidden = in.U32("layer count");
  // Each field is bounded before it is used: a width above kModelMaxWidth would not fit the
  // int of MlpShape, a layer count above kModelMaxHiddenLayers would make the header loop long.
  if (input == 0 || input > kModelMaxWidth || classes < 2 || classes > kModelMaxWidth ||
      hidden > kModelMaxHiddenLayers) {
    throw DataError(name + ": implausible layer sizes in header (corrupt model file?)");
  }
  model.shape.input = static_cast<int>(input);
  model.shape.classes = static_cast<int>(classes);
  for (uint32_t l = 0; l < hidden; ++l) {
    const uint32_t width = in.U32("layer width");
    if (width == 0 || width > kModelMaxWidth) {
      throw DataError(name + ": implausible hidden width " + std::to_string(width));
    }
    model.shape.hidden.push_back(static_cast<int>(width));
  }
  const uint32_t flags = in.U32("flags");
  if ((flags & ~kModelFlagBatchNorm) != 0)
    throw DataError(name + ": unknown sections (flags " + std::to_string(flags) + ")");
  model.shape.batch_norm = (flags & kModelFlagBatchNorm) != 0;
  const std::string problem = CheckModelShape(model.shape);
  if (!problem.empty()) throw DataError(name + ": " + problem + " (corrupt model file?)");
  // In 64 bits: the products of these sizes pass 2^32 long before the limit above is checked.
  const uint64_t expected = ModelFileBytes(model.shape);
  uint64_t bn_bytes = 0;
  for (int l = 0; l + 1 < model.shape.layers(); ++l) {
    if (model.shape.batch_norm)
      bn_bytes += 4 * sizeof(float) * static_cast<uint64_t>(model.shape.out(l));
  }
  if (bn_bytes > 0 && bytes.size() == expected - bn_bytes) {
    throw DataError(name + ": the header says batch normalization (flags bit 0) but the " +
                    "batch-norm section (gamma, beta, running averages: " +
                    std::to_string(bn_bytes) + " bytes) is missing");
  }
  if (bytes.size() != expected) {
    throw DataError(name + ": model file is " + std::to_string(bytes.size()) +
                    " bytes, its header says " + std::to_string(expected) +
                    (bytes.size() < expected ? " (cut short)" : " (trailing bytes)"));
  }
  if (Crc32(bytes.data(), body) != stored) {
    throw DataError(name + ": CRC mismatch (the model file is corrupt)");
  }
  model.norm.mean = in.Floats(input, "mean");
  model.norm.inv_std = in.Floats(input, "inv_std");
  for (int l = 0; l < model.shape.layers(); ++l) {
    model.w.push_back(
        in.Floats(static_cast<size_t>(model.shape.out(l)) * model.shape.in(l), "weights"));
    model.b.push_back(in.Floats(model.shape.out(l), "biases"));
  }
  for (int l = 0; model.shape.batch_norm && l + 1 < model.shape.layers(); ++l) {
    const size_t n = model.shape.out(l);
    model.gamma.push_back(in.Floats(n, "batch-norm gamma"));
    model.beta.push_back(in.Floats(n, "batch-norm beta"));
    model.running_mean.push_back(in.Floats(n, "batch-norm running mean"));
    model.running_var.push_back(in.Floats(n, "batch-norm running variance"));
    for (float v : model.running_var.back()) {
      if (!(v >= 0)) throw DataError(name + ": negative or NaN batch-norm running variance");
    }
  }
  if (const char* part = NonFinitePart(model)) {
    throw DataError(name + ": NaN or infinite " + part + " (a diverged or corrupt model)");
  }
  return model;
}

void SaveModel(const std::string& path, const Model& model) {
  const std::vector<uint8_t> bytes = EncodeModel(model);
  WriteFileAtomic(path, bytes.data(), bytes.size());
}

Model LoadModel(const std::string& path) {
  return DecodeModel(ReadFileBytes(path, kModelMaxFileBytes, "model file"), path);
}

}  // namespace tinymlp
