// classify: prints the most probable CIFAR-10 class of 32x32 images with a tinymlp model, one line
// per image, "IMAGE: CLASS PROBABILITY" (what `tinymlp predict --top 1` prints for a PNG).
//
//   classify MODEL.tmlp IMAGE.ppm...
//
// Images are binary PPM (P6, 32x32, maxval 255): the header is text, the pixels are r, g, b
// bytes row by row, which is the layout tinymlp takes. An example of using the library: it
// includes nothing of tinymlp but its public header. The lines between "README" markers are the
// ones the README shows (tests/api/install_test.cmake checks that there are at most five).
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

// README begin
#include <tinymlp/tinymlp.h>
// README end

namespace {

// Reads a P6 PPM of 32x32 pixels into 3072 bytes r, g, b, ...; "" on success, else the reason.
std::string ReadPpm(const std::string& path, std::vector<uint8_t>& rgb) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "cannot open";
  std::string magic;
  int numbers[3];  // width, height, maxval
  in >> magic;
  for (int& n : numbers) {
    while (in >> std::ws && in.peek() == '#') in.ignore(1 << 20, '\n');  // comment lines
    in >> n;
  }
  if (!in || magic != "P6") return "not a binary PPM (P6) file";
  if (numbers[0] != 32 || numbers[1] != 32 || numbers[2] != 255) return "not 32x32 with maxval 255";
  in.get();  // the one whitespace byte before the pixels
  rgb.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (rgb.size() != tinymlp::Classifier::kImageBytes) return "pixel data is not 3072 bytes";
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MODEL.tmlp IMAGE.ppm...\n", argv[0]);
    return 2;
  }
  try {
    // README begin
    tinymlp::Classifier classifier = tinymlp::Classifier::Load(argv[1]);
    // README end
    for (int i = 2; i < argc; ++i) {
      std::vector<uint8_t> rgb;
      const std::string problem = ReadPpm(argv[i], rgb);
      if (!problem.empty()) {
        std::fprintf(stderr, "classify: %s: %s\n", argv[i], problem.c_str());
        return 1;
      }
      // README begin
      tinymlp::Prediction best = classifier.Classify(rgb.data())[0];
      std::printf("%s: %s %.4f\n", argv[i], best.name.c_str(), best.probability);
      // README end
    }
  } catch (const tinymlp::Error& e) {  // one line naming the file and the problem
    std::fprintf(stderr, "classify: %s\n", e.what());
    return e.exit_code();
  }
  return 0;
}
