// The checkpoint codec (layout and checks: checkpoint.h).
#include "engine/train/checkpoint.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "engine/base/crc32.h"
#include "engine/io/model_file.h"
#include "platform/error.h"
#include "platform/files.h"

namespace tinymlp {
namespace {

constexpr char kMagic[4] = {'T', 'M', 'C', 'K'};
constexpr int kMetricsRowBytes = kCheckpointMetricsRowBytes;

// Writes little-endian numbers into a buffer sized beforehand (CheckpointBytes).
class Writer {
 public:
  explicit Writer(uint8_t* out) : p_(out) {}
  void U32(uint32_t v) {
    for (int i = 0; i < 4; ++i) *p_++ = static_cast<uint8_t>(v >> (8 * i));
  }
  void U64(uint64_t v) {
    for (int i = 0; i < 8; ++i) *p_++ = static_cast<uint8_t>(v >> (8 * i));
  }
  void F32(float f) {
    uint32_t v;
    std::memcpy(&v, &f, 4);
    U32(v);
  }
  void F64(double f) {
    uint64_t v;
    std::memcpy(&v, &f, 8);
    U64(v);
  }
  void Floats(const std::vector<float>& v) {
    U64(v.size());
    for (float f : v) F32(f);
  }
  uint8_t* position() const { return p_; }

 private:
  uint8_t* p_;
};

// Reads what Writer wrote, every count checked against the bytes left before it is used.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size, const std::string& name)
      : data_(data), size_(size), name_(name) {}

  [[noreturn]] void Fail(const std::string& what) const {
    throw DataError(name_ + ": not a valid checkpoint: " + what);
  }
  void Need(uint64_t bytes, const char* what) const {
    if (bytes > size_ - pos_) {
      Fail(std::string("cut short in ") + what + " (byte " + std::to_string(pos_) + " of " +
           std::to_string(size_) + ")");
    }
  }
  uint32_t U32(const char* what) {
    Need(4, what);
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(data_[pos_ + i]) << (8 * i);
    pos_ += 4;
    return v;
  }
  uint64_t U64(const char* what) {
    Need(8, what);
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(data_[pos_ + i]) << (8 * i);
    pos_ += 8;
    return v;
  }
  // A u64 that must be at most `max`.
  uint64_t Count(const char* what, uint64_t max) {
    const uint64_t v = U64(what);
    if (v > max)
      Fail(std::string(what) + " " + std::to_string(v) + " is above " + std::to_string(max));
    return v;
  }
  float F32(const char* what) {
    const uint32_t v = U32(what);
    float f;
    std::memcpy(&f, &v, 4);
    return f;
  }
  double F64(const char* what) {
    const uint64_t v = U64(what);
    double f;
    std::memcpy(&f, &v, 8);
    if (!std::isfinite(f)) Fail(std::string(what) + " is not finite");
    return f;
  }
  void Floats(std::vector<float>* v, const char* what) {
    const uint64_t n = U64(what);
    if (n > left() / 4) Need(left() + 1, what);  // refused before anything is allocated
    v->resize(static_cast<size_t>(n));
    for (float& f : *v) {
      f = F32(what);
      if (!std::isfinite(f)) Fail(std::string(what) + " hold a NaN or infinite value");
    }
  }
  size_t left() const { return size_ - pos_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  const std::string& name_;
};

uint64_t FloatsBytes(const std::vector<float>& v) { return 8 + 4 * uint64_t{v.size()}; }

}  // namespace

uint64_t CheckpointBytes(const Checkpoint& c) {
  const TrainerState& t = c.trainer;
  return 8 + 8 * 5 + 8 * (4 + c.shape.hidden.size()) + 8 * 9 + FloatsBytes(t.params) +
         FloatsBytes(t.moment1) + FloatsBytes(t.moment2) + FloatsBytes(t.running) + 8 +
         4 * uint64_t{t.order.size()} + 8 + uint64_t{kMetricsRowBytes} * c.metrics.size() + 8 + 4;
}

void EncodeCheckpoint(const Checkpoint& c, std::vector<uint8_t>* bytes) {
  bytes->resize(static_cast<size_t>(CheckpointBytes(c)));
  std::memcpy(bytes->data(), kMagic, 4);
  Writer w(bytes->data() + 4);
  w.U32(kCheckpointFormatVersion);
  w.U64(c.run_key);
  w.U64(static_cast<uint64_t>(c.total_steps));
  w.U64(static_cast<uint64_t>(c.batch));
  w.U64(c.seed);
  w.U64(static_cast<uint64_t>(c.optimizer));
  w.U64(static_cast<uint64_t>(c.shape.input));
  w.U64(static_cast<uint64_t>(c.shape.classes));
  w.U64(c.shape.batch_norm ? 1 : 0);
  w.U64(c.shape.hidden.size());
  for (int width : c.shape.hidden) w.U64(static_cast<uint64_t>(width));
  const TrainerState& t = c.trainer;
  w.U64(static_cast<uint64_t>(t.step));
  w.U64(static_cast<uint64_t>(t.cursor));
  w.U64(t.shuffle_rng);
  w.U64(t.augment_rng);
  w.U64(t.dropout_rng);
  w.U64(t.bn_started ? 1 : 0);
  w.U64(static_cast<uint64_t>(t.optimizer.updates));
  w.F64(t.optimizer.beta1_power);
  w.F64(t.optimizer.beta2_power);
  w.Floats(t.params);
  w.Floats(t.moment1);
  w.Floats(t.moment2);
  w.Floats(t.running);
  w.U64(t.order.size());
  for (int32_t i : t.order) w.U32(static_cast<uint32_t>(i));
  w.U64(c.metrics.size());
  for (const MetricsRow& row : c.metrics) {
    w.U64(static_cast<uint64_t>(row.step));
    w.F64(row.epoch);
    w.F32(row.eta);
    for (const Evaluation* e : {&row.train, &row.validation}) {
      w.F64(e->loss);
      w.F64(e->cost);
      w.F64(e->accuracy);
    }
  }
  w.F64(c.seconds);
  const size_t body = static_cast<size_t>(w.position() - bytes->data());
  w.U32(Crc32(bytes->data(), body));
}

Checkpoint DecodeCheckpoint(const uint8_t* data, size_t size, const std::string& name) {
  Reader head(data, size, name);
  if (size < 12 || std::memcmp(data, kMagic, 4) != 0) {
    head.Fail("no TMCK magic (is it a tinymlp checkpoint?)");
  }
  head.U32("magic");
  const uint32_t version = head.U32("version");
  if (version != kCheckpointFormatVersion) {
    head.Fail("format version " + std::to_string(version) + ", this tinymlp reads " +
              std::to_string(kCheckpointFormatVersion));
  }
  uint32_t stored_crc = 0;
  for (int i = 0; i < 4; ++i) stored_crc |= static_cast<uint32_t>(data[size - 4 + i]) << (8 * i);
  if (Crc32(data, size - 4) != stored_crc) head.Fail("CRC mismatch (the file is damaged)");
  Reader body(data, size - 4, name);  // the CRC checked, the fields are parsed as strictly
  body.U32("magic");
  body.U32("version");

  Checkpoint c;
  c.run_key = body.U64("run key");
  // (long is 32 bits on armhf: every count that becomes a long is bounded by its range.)
  c.total_steps = static_cast<long>(body.Count("total steps", std::numeric_limits<long>::max()));
  c.batch = static_cast<int>(body.Count("batch", 1000000));
  if (c.batch < 1) body.Fail("batch is 0");
  c.seed = body.U64("seed");
  c.optimizer = static_cast<OptimizerKind>(body.Count("optimizer", 3));
  c.shape.input = static_cast<int>(body.Count("input size", kModelMaxWidth));
  c.shape.classes = static_cast<int>(body.Count("classes", kModelMaxWidth));
  c.shape.batch_norm = body.Count("flags", 1) == 1;
  const uint64_t hidden = body.Count("hidden-layer count", kModelMaxHiddenLayers);
  for (uint64_t l = 0; l < hidden; ++l) {
    c.shape.hidden.push_back(static_cast<int>(body.Count("hidden width", kModelMaxWidth)));
  }
  const std::string shape_problem = CheckModelShape(c.shape);
  if (!shape_problem.empty()) body.Fail(shape_problem);
  for (int width : c.shape.hidden) {
    if (width < 1) body.Fail("a hidden layer has width 0");
  }
  if (c.shape.input < 1 || c.shape.classes < 1) body.Fail("input size or classes is 0");

  TrainerState& t = c.trainer;
  t.step = static_cast<long>(body.Count("step", static_cast<uint64_t>(c.total_steps)));
  t.cursor = static_cast<long>(body.U64("cursor") & 0x7FFF'FFFF'FFFF'FFFFull);
  t.shuffle_rng = body.U64("shuffle stream");
  t.augment_rng = body.U64("augment stream");
  t.dropout_rng = body.U64("dropout stream");
  t.bn_started = body.Count("batch-norm flag", 1) == 1;
  t.optimizer.updates = static_cast<long>(body.Count("optimizer updates", t.step));
  t.optimizer.beta1_power = body.F64("b1^t");
  t.optimizer.beta2_power = body.F64("b2^t");
  body.Floats(&t.params, "parameters");
  body.Floats(&t.moment1, "first moments");
  body.Floats(&t.moment2, "second moments");
  body.Floats(&t.running, "running statistics");
  if (t.params.empty()) body.Fail("no parameters");
  if ((!t.moment1.empty() && t.moment1.size() != t.params.size()) ||
      (!t.moment2.empty() && t.moment2.size() != t.params.size())) {
    body.Fail("optimizer moments and parameters differ in size");
  }
  uint64_t running = 0;
  for (int l = 0; l < c.shape.layers(); ++l) running += c.shape.has_bn(l) ? 2 * c.shape.out(l) : 0;
  if (t.running.size() != running) {
    body.Fail(std::to_string(t.running.size()) + " running statistics where the network has " +
              std::to_string(running));
  }
  const uint64_t n = body.Count("training set size", uint64_t{1} << 30);
  body.Need(4 * n, "training order");
  if (n < static_cast<uint64_t>(c.batch)) body.Fail("training set smaller than a batch");
  if (static_cast<uint64_t>(t.cursor) > n) body.Fail("cursor past the training set");
  t.order.resize(static_cast<size_t>(n));
  std::vector<bool> seen(static_cast<size_t>(n), false);
  for (int32_t& i : t.order) {
    const uint32_t v = body.U32("training order");
    if (v >= n || seen[v]) body.Fail("the training order is not a permutation");
    seen[v] = true;
    i = static_cast<int32_t>(v);
  }
  const uint64_t rows = body.Count("metrics rows", body.left() / kMetricsRowBytes);
  long last_step = -1;
  for (uint64_t i = 0; i < rows; ++i) {
    MetricsRow row;
    row.step = static_cast<long>(body.Count("metrics step", static_cast<uint64_t>(t.step)));
    if (row.step <= last_step) body.Fail("metrics rows out of order");
    last_step = row.step;
    row.epoch = body.F64("metrics epoch");
    row.eta = body.F32("metrics rate");
    if (!std::isfinite(row.eta)) body.Fail("a metrics rate is not finite");
    for (Evaluation* e : {&row.train, &row.validation}) {
      e->loss = body.F64("metrics loss");
      e->cost = body.F64("metrics cost");
      e->accuracy = body.F64("metrics accuracy");
    }
    c.metrics.push_back(row);
  }
  c.seconds = body.F64("seconds");
  if (body.left() != 0) body.Fail(std::to_string(body.left()) + " bytes after the end");
  return c;
}

Checkpoint ReadCheckpoint(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path, kCheckpointMaxBytes, "checkpoint");
  return DecodeCheckpoint(bytes.data(), bytes.size(), path);
}

}  // namespace tinymlp
