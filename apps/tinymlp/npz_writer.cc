#include "apps/tinymlp/npz_writer.h"

#include <cstring>

#include "engine/base/crc32.h"
#include "platform/error.h"

namespace tinymlp {
namespace {

void Put16(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(v & 0xff);
  out.push_back((v >> 8) & 0xff);
}
void Put32(std::vector<uint8_t>& out, uint32_t v) {
  Put16(out, v & 0xffff);
  Put16(out, v >> 16);
}
void PutBytes(std::vector<uint8_t>& out, const std::string& s) {
  out.insert(out.end(), s.begin(), s.end());
}

// The fields a zip local header and its central-directory entry share (APPNOTE.TXT 4.3.7,
// 4.3.12): version needed 2.0, no flags, method 0 (stored), DOS time 00:00 and date 1980-01-01,
// CRC-32, compressed and uncompressed size (equal when stored), the name's length.
void PutCommonFields(std::vector<uint8_t>& out, uint32_t crc, uint32_t size, size_t name_size) {
  Put16(out, 20);    // version needed to extract: 2.0
  Put16(out, 0);     // general purpose flags
  Put16(out, 0);     // compression method: stored
  Put16(out, 0);     // last modified time 00:00:00
  Put16(out, 0x21);  // last modified date 1980-01-01: (0 << 9) | (1 << 5) | 1
  Put32(out, crc);
  Put32(out, size);  // compressed size
  Put32(out, size);  // uncompressed size
  Put16(out, static_cast<uint32_t>(name_size));
}

}  // namespace

void NpzWriter::AddNpy(const std::string& name, const char* descr,
                       const std::vector<int64_t>& shape, const uint8_t* data, size_t bytes) {
  std::string dims;
  for (int64_t d : shape) dims += std::to_string(d) + ", ";
  if (shape.size() > 1) dims.resize(dims.size() - 2);  // (3, 4); a 1-tuple keeps its comma: (4,)
  if (shape.size() == 1) dims.resize(dims.size() - 1);
  std::string header =
      std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
  const size_t preamble = 10;  // magic (6), version (2), header length (2)
  while ((preamble + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::vector<uint8_t> file;
  PutBytes(file, std::string("\x93NUMPY", 6));
  file.push_back(1);  // format 1.0: a 16-bit header length
  file.push_back(0);
  Put16(file, static_cast<uint32_t>(header.size()));
  PutBytes(file, header);
  file.insert(file.end(), data, data + bytes);
  names_.push_back(name);
  files_.push_back(std::move(file));
}

// Both element types are written as this machine holds them, after checking it is
// little-endian, as '<f4' and '<i8' say; every target tinymlp builds for is.
static bool LittleEndian() {
  const uint16_t one = 1;
  uint8_t first;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

void NpzWriter::AddFloat32(const std::string& name, const std::vector<int64_t>& shape,
                           const std::vector<float>& values) {
  if (!LittleEndian()) throw DataError("npz export needs a little-endian machine");
  AddNpy(name, "<f4", shape, reinterpret_cast<const uint8_t*>(values.data()),
         values.size() * sizeof(float));
}

void NpzWriter::AddInt64(const std::string& name, const std::vector<int64_t>& shape,
                         const std::vector<int64_t>& values) {
  if (!LittleEndian()) throw DataError("npz export needs a little-endian machine");
  AddNpy(name, "<i8", shape, reinterpret_cast<const uint8_t*>(values.data()),
         values.size() * sizeof(int64_t));
}

std::vector<uint8_t> NpzWriter::Finish() const {
  // Each file: a local header, its name, its bytes. Then the central directory (one entry per
  // file, pointing back at its local header) and the end-of-central-directory record.
  std::vector<uint8_t> zip, directory;
  uint64_t total = 0;
  for (size_t i = 0; i < files_.size(); ++i)
    total += files_[i].size() + 2 * (names_[i].size() + 60);
  if (total + 22 >= (uint64_t{1} << 32) || files_.size() > 0xffff) {
    throw DataError("the arrays are too large for an npz archive without ZIP64 (4 GiB)");
  }
  zip.reserve(total + 22);
  for (size_t i = 0; i < files_.size(); ++i) {
    const std::string name = names_[i] + ".npy";
    const std::vector<uint8_t>& file = files_[i];
    const uint32_t crc = Crc32(file.data(), file.size());
    const uint32_t size = static_cast<uint32_t>(file.size());
    const uint32_t offset = static_cast<uint32_t>(zip.size());

    Put32(zip, 0x04034b50);  // local file header signature
    PutCommonFields(zip, crc, size, name.size());
    Put16(zip, 0);  // extra field length
    PutBytes(zip, name);
    zip.insert(zip.end(), file.begin(), file.end());

    Put32(directory, 0x02014b50);  // central directory entry signature
    Put16(directory, 20);          // version made by: 2.0, MS-DOS attributes
    PutCommonFields(directory, crc, size, name.size());
    Put16(directory, 0);  // extra field length
    Put16(directory, 0);  // comment length
    Put16(directory, 0);  // disk number
    Put16(directory, 0);  // internal attributes
    Put32(directory, 0);  // external attributes
    Put32(directory, offset);
    PutBytes(directory, name);
  }
  const uint32_t directory_offset = static_cast<uint32_t>(zip.size());
  zip.insert(zip.end(), directory.begin(), directory.end());
  Put32(zip, 0x06054b50);                            // end of central directory signature
  Put16(zip, 0);                                     // this disk
  Put16(zip, 0);                                     // disk where the directory starts
  Put16(zip, static_cast<uint32_t>(files_.size()));  // entries on this disk
  Put16(zip, static_cast<uint32_t>(files_.size()));  // entries in all
  Put32(zip, static_cast<uint32_t>(directory.size()));
  Put32(zip, directory_offset);
  Put16(zip, 0);  // comment length
  return zip;
}

}  // namespace tinymlp
