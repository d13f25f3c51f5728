// Fuzz target: the .tmlp model decoder (engine/io/model_file.h), on crafted files.
//
// Each input is decoded twice: as given, which mostly exercises the magic, size and CRC checks,
// and with its last four bytes replaced by the CRC-32 of the rest, as anyone crafting a file
// would do, so that mutations reach the header fields, the limits and the values behind the CRC.
// A file that decodes must encode back to the same bytes, and its network must run.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "engine/base/crc32.h"
#include "engine/io/model_file.h"
#include "engine/model/mlp.h"
#include "platform/error.h"

namespace {

using tinymlp::Model;

// One forward pass of the decoded network on a single input, as predict would run it.
void RunNetwork(const Model& model) {
  tinymlp::Arena arena(tinymlp::MeasureArena<tinymlp::Mlp<float>>(model.shape, 1));
  tinymlp::Mlp<float> net(model.shape, 1, arena);
  model.CopyInto(net);
  std::vector<float> x(model.shape.input, 0.5f);
  net.Forward(tinymlp::Mat(x.data(), model.shape.input, 1), nullptr);
}

void DecodeOrReject(const std::vector<uint8_t>& bytes) {
  Model model;
  try {
    model = tinymlp::DecodeModel(bytes, "fuzz.tmlp");
  } catch (const tinymlp::Error&) {
    return;  // refused with a message: what a bad file should get
  }
  if (tinymlp::EncodeModel(model) != bytes) std::abort();  // decoded, but not what was read
  RunNetwork(model);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  DecodeOrReject(bytes);
  if (bytes.size() >= 12) {
    const size_t body = bytes.size() - 4;
    const uint32_t crc = tinymlp::Crc32(bytes.data(), body);
    for (int i = 0; i < 4; ++i) bytes[body + i] = static_cast<uint8_t>(crc >> (8 * i));
    DecodeOrReject(bytes);
  }
  return 0;
}
