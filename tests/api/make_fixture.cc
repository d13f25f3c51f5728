// api_make_fixture OUT_DIR: what the install tests classify, made without the real data and
// through the public interface only. It trains a small network on random images of an easy
// problem (Classifier::Train), saves it as OUT_DIR/model.tmlp, and writes four other images as
// OUT_DIR/imgN.ppm (for examples/classify) and OUT_DIR/imgN.png (for tinymlp predict): the same
// pixels in both.
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "tinymlp/tinymlp.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

namespace {

constexpr int kBytes = tinymlp::Classifier::kImageBytes;

// Class k: noise, with the red channel bright in horizontal band k of 10 (r, g, b interleaved).
void EasyImage(int k, std::mt19937& rng, uint8_t* image) {
  for (int p = 0; p < 1024; ++p) {
    for (int c = 0; c < 3; ++c) {
      const bool band = c == 0 && (p / 32) * 10 / 32 == k;
      image[p * 3 + c] = static_cast<uint8_t>((band ? 96 : 0) + rng() % 160);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: api_make_fixture OUT_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  std::mt19937 rng(12345);
  constexpr int kTrain = 300;
  std::vector<uint8_t> pixels(static_cast<size_t>(kTrain) * kBytes), labels(kTrain);
  for (int i = 0; i < kTrain; ++i) {
    labels[i] = static_cast<uint8_t>(rng() % 10);
    EasyImage(labels[i], rng, pixels.data() + static_cast<size_t>(i) * kBytes);
  }
  tinymlp::TrainOptions options;
  options.hidden = {16};
  options.batch = 50;
  options.n_s = 12;
  try {
    tinymlp::Classifier::Train({pixels.data(), labels.data(), kTrain}, options)
        .Save(dir + "/model.tmlp");
  } catch (const tinymlp::Error& e) {
    std::fprintf(stderr, "api_make_fixture: %s\n", e.what());
    return e.exit_code();
  }
  for (int i = 0; i < 4; ++i) {
    std::vector<uint8_t> rgb(kBytes);
    EasyImage(i * 3, rng, rgb.data());
    const std::string name = dir + "/img" + std::to_string(i);
    std::ofstream ppm(name + ".ppm", std::ios::binary);
    ppm << "P6\n32 32\n255\n";
    ppm.write(reinterpret_cast<const char*>(rgb.data()), kBytes);
    if (!ppm || !stbi_write_png((name + ".png").c_str(), 32, 32, 3, rgb.data(), 32 * 3)) {
      std::fprintf(stderr, "api_make_fixture: cannot write %s\n", name.c_str());
      return 1;
    }
  }
  return 0;
}
