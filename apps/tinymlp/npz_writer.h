// numpy's .npz format, written without numpy or a zip library: an uncompressed ("stored") zip
// archive of .npy files, which np.load() opens as a dict of arrays. Only what `tinymlp export`
// needs: little-endian float32 and int64 arrays in C (row-major) order, archives below 4 GiB
// (no ZIP64). The bytes depend only on the arrays: every file is dated 1980-01-01 00:00.
//
// .npy (format 1.0): "\x93NUMPY", major 1, minor 0, u16 little-endian header length, then an
// ASCII Python dict {'descr': '<f4', 'fortran_order': False, 'shape': (10, 50), } padded with
// spaces and a final '\n' so the data starts at a multiple of 64 bytes, then the data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinymlp {

class NpzWriter {
 public:
  // `values` holds the product of `shape` values in C order (last index fastest); an empty shape
  // is a scalar (one value). `name` gets ".npy" appended inside the archive.
  void AddFloat32(const std::string& name, const std::vector<int64_t>& shape,
                  const std::vector<float>& values);
  void AddInt64(const std::string& name, const std::vector<int64_t>& shape,
                const std::vector<int64_t>& values);

  // The whole .npz archive. Throws DataError when it would reach 4 GiB.
  std::vector<uint8_t> Finish() const;

  const std::vector<std::string>& names() const { return names_; }

 private:
  void AddNpy(const std::string& name, const char* descr, const std::vector<int64_t>& shape,
              const uint8_t* data, size_t bytes);
  std::vector<std::string> names_;
  std::vector<std::vector<uint8_t>> files_;  // each .npy file's bytes
};

}  // namespace tinymlp
