#include "engine/io/model_file.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

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

// What the encoder writes, as pointers: into a Model, or straight into a network's parameters,
// so that saving copies no weights (a large model is written as it sits in the arena).
struct ModelParts {
  const MlpShape* shape = nullptr;
  const Normalization* norm = nullptr;
  struct Layer {
    ConstMat w;                // out x in, column-major, ld >= out
    const float* b = nullptr;  // out, or null for a batch-norm layer (written as zeros)
    // out each with batch normalization (shape->has_bn), else null.
    const float *gamma = nullptr, *beta = nullptr, *running_mean = nullptr, *running_var = nullptr;
  };
  std::vector<Layer> layers;
};

ModelParts PartsOf(const Model& model) {
  // The vectors must hold what the shape says: the encoder reads that many values from each.
  const MlpShape& shape = model.shape;
  const size_t layers = static_cast<size_t>(shape.layers());
  const size_t bn_layers = shape.batch_norm ? layers - 1 : 0;
  // (The batch-norm vectors of a model without batch norm are ignored, as the format has none.)
  bool sizes_ok = model.w.size() == layers && model.b.size() == layers &&
                  model.gamma.size() >= bn_layers && model.beta.size() >= bn_layers &&
                  model.running_mean.size() >= bn_layers && model.running_var.size() >= bn_layers;
  for (size_t l = 0; sizes_ok && l < layers; ++l) {
    const size_t in = static_cast<uint32_t>(shape.in(l)), out = static_cast<uint32_t>(shape.out(l));
    sizes_ok = model.w[l].size() == in * out && model.b[l].size() == out;
    for (size_t k = 0; sizes_ok && l < bn_layers && k < 4; ++k) {
      const std::vector<float>* v[4] = {&model.gamma[l], &model.beta[l], &model.running_mean[l],
                                        &model.running_var[l]};
      sizes_ok = v[k]->size() == out;
    }
  }
  if (!sizes_ok) throw DataError("cannot write a model whose parameters do not match its shape");
  ModelParts parts;
  parts.shape = &model.shape;
  parts.norm = &model.norm;
  for (int l = 0; l < model.shape.layers(); ++l) {
    const int out = model.shape.out(l), in = model.shape.in(l);
    ModelParts::Layer layer;
    layer.w = ConstMat(model.w[l].data(), out, in);
    layer.b = model.b[l].data();
    if (model.shape.has_bn(l)) {
      layer.gamma = model.gamma[l].data();
      layer.beta = model.beta[l].data();
      layer.running_mean = model.running_mean[l].data();
      layer.running_var = model.running_var[l].data();
    }
    parts.layers.push_back(layer);
  }
  return parts;
}

ModelParts PartsOf(const Mlp<float>& net, const Normalization& norm) {
  ModelParts parts;
  parts.shape = &net.shape();
  parts.norm = &norm;
  for (int l = 0; l < net.shape().layers(); ++l) {
    ModelParts::Layer layer;
    layer.w = net.params().w[l];
    layer.b = net.params().b[l];
    if (net.shape().has_bn(l)) {
      layer.gamma = net.params().gamma[l];
      layer.beta = net.params().beta[l];
      layer.running_mean = net.running_mean(l);
      layer.running_var = net.running_var(l);
    }
    parts.layers.push_back(layer);
  }
  return parts;
}

bool AllFinite(const float* v, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(v[i])) return false;
  }
  return true;
}

// Null when every value is finite, else which part is not.
const char* NonFinitePart(const ModelParts& parts) {
  const MlpShape& shape = *parts.shape;
  if (parts.norm->mean.size() != static_cast<size_t>(shape.input) ||
      parts.norm->inv_std.size() != static_cast<size_t>(shape.input)) {
    return "normalization (not one value per input)";
  }
  if (!AllFinite(parts.norm->mean.data(), shape.input) ||
      !AllFinite(parts.norm->inv_std.data(), shape.input)) {
    return "normalization";
  }
  for (int l = 0; l < shape.layers(); ++l) {
    const ModelParts::Layer& layer = parts.layers[l];
    for (int c = 0; c < layer.w.cols; ++c) {
      if (!AllFinite(layer.w.col(c), layer.w.rows)) return "weights";
    }
    if (layer.b != nullptr && !AllFinite(layer.b, shape.out(l))) return "weights";
    if (shape.has_bn(l)) {
      for (const float* v : {layer.gamma, layer.beta, layer.running_mean, layer.running_var}) {
        if (!AllFinite(v, shape.out(l))) return "batch-norm parameters";
      }
    }
  }
  return nullptr;
}

// The bytes of a model file, little-endian, through a small buffer to `sink` (a vector or a
// file), with the CRC-32 of everything kept as it goes.
template <typename Sink>
class Writer {
 public:
  explicit Writer(Sink& sink) : sink_(sink) {}
  void Bytes(const uint8_t* p, size_t n) {
    while (n > 0) {
      if (used_ == kBufferBytes) Flush();
      const size_t take = std::min(n, kBufferBytes - used_);
      std::memcpy(buffer_ + used_, p, take);
      used_ += take;
      p += take;
      n -= take;
    }
  }
  void U32(uint32_t v) {
    const uint8_t le[4] = {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8),
                           static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 24)};
    Bytes(le, 4);
  }
  void Floats(const float* v, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      uint32_t u;
      std::memcpy(&u, &v[i], 4);
      U32(u);
    }
  }
  void Zeros(size_t n) {
    for (size_t i = 0; i < n; ++i) U32(0);
  }
  // Ends the file with the CRC-32 of every byte before it.
  void Finish() {
    Flush();
    U32(crc_);
    Flush();
  }

 private:
  static constexpr size_t kBufferBytes = 64 * 1024;
  void Flush() {
    crc_ = Crc32Update(crc_, buffer_, used_);
    sink_.Write(buffer_, used_);
    used_ = 0;
  }
  Sink& sink_;
  uint8_t buffer_[kBufferBytes];
  size_t used_ = 0;
  uint32_t crc_ = 0;
};

struct VectorSink {
  std::vector<uint8_t> bytes;
  void Write(const uint8_t* p, size_t n) { bytes.insert(bytes.end(), p, p + n); }
};

// The writer refuses what the reader would: first the shape (before PartsOf reads the vectors
// it describes), then, in Encode, every value.
void CheckShapeToWrite(const MlpShape& shape) {
  const std::string problem = CheckModelShape(shape);
  if (!problem.empty()) throw DataError("cannot write a model of " + problem);
}

// Writes the file's bytes to `sink`, once every value is known to be finite.
template <typename Sink>
void Encode(const ModelParts& parts, Sink& sink) {
  const MlpShape& shape = *parts.shape;
  if (const char* part = NonFinitePart(parts)) {
    throw DataError(std::string("cannot write a model with NaN or infinite ") + part +
                    " (did training diverge?)");
  }
  auto out = std::make_unique<Writer<Sink>>(sink);  // its buffer is too large for the stack
  out->Bytes(reinterpret_cast<const uint8_t*>(kMagic), 4);
  out->U32(kModelFormatVersion);
  out->U32(shape.input);
  out->U32(shape.classes);
  out->U32(static_cast<uint32_t>(shape.hidden.size()));
  for (int h : shape.hidden) out->U32(h);
  out->U32(shape.batch_norm ? kModelFlagBatchNorm : 0);
  out->Floats(parts.norm->mean.data(), shape.input);
  out->Floats(parts.norm->inv_std.data(), shape.input);
  for (int l = 0; l < shape.layers(); ++l) {
    const ModelParts::Layer& layer = parts.layers[l];
    for (int c = 0; c < layer.w.cols; ++c) out->Floats(layer.w.col(c), layer.w.rows);
    if (layer.b != nullptr) {
      out->Floats(layer.b, shape.out(l));
    } else {
      out->Zeros(shape.out(l));
    }
  }
  for (int l = 0; shape.batch_norm && l + 1 < shape.layers(); ++l) {
    const ModelParts::Layer& layer = parts.layers[l];
    for (const float* v : {layer.gamma, layer.beta, layer.running_mean, layer.running_var}) {
      out->Floats(v, shape.out(l));
    }
  }
  out->Finish();
}

// A refused model (Encode checks before its first byte) leaves nothing: the writer's destructor
// removes the temporary.
void SaveParts(const std::string& path, const ModelParts& parts) {
  AtomicFileWriter file(path);
  Encode(parts, file);
  file.Commit();
}

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
  CheckShapeToWrite(model.shape);
  VectorSink sink;
  sink.bytes.reserve(ModelFileBytes(model.shape));
  Encode(PartsOf(model), sink);
  return std::move(sink.bytes);
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
  if (const char* part = NonFinitePart(PartsOf(model))) {
    throw DataError(name + ": NaN or infinite " + part + " (a diverged or corrupt model)");
  }
  return model;
}

void SaveModel(const std::string& path, const Model& model) {
  CheckShapeToWrite(model.shape);
  SaveParts(path, PartsOf(model));
}

void SaveModel(const std::string& path, const Mlp<float>& net, const Normalization& norm) {
  CheckShapeToWrite(net.shape());
  SaveParts(path, PartsOf(net, norm));
}

Error NonFiniteScoresError(const std::string& model, const std::string& where) {
  return DataError(model + ": the class scores" + (where.empty() ? "" : " of " + where) +
                   " are not finite numbers (weights too large for float arithmetic: a corrupt "
                   "or diverged model)");
}

Model LoadModel(const std::string& path) {
  return DecodeModel(ReadFileBytes(path, kModelMaxFileBytes, "model file"), path);
}

}  // namespace tinymlp
