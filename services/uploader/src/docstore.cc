#include "docstore.h"

#include <fcntl.h>
#include <unistd.h>
#include <zip.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <openssl/evp.h>

namespace sevisflow::uploader {
namespace fs = std::filesystem;

std::string BatchDir(std::string_view org_id, std::string_view batch_id) {
  return std::string(org_id) + "/batches/" + std::string(batch_id);
}

absl::Status WriteFileAtomic(const std::string& root, const std::string& relative_path,
                             std::string_view bytes) {
  fs::path path = fs::path(root) / relative_path;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    return absl::UnavailableError("docstore: cannot create folder for " + relative_path + ": " +
                                  ec.message());
  }
  std::string tmp = path.string() + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) {
    return absl::UnavailableError("docstore: cannot write " + relative_path + ": " +
                                  std::strerror(errno));
  }
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return absl::UnavailableError("docstore: cannot write " + relative_path + ": " +
                                    std::strerror(err));
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return absl::UnavailableError("docstore: cannot flush " + relative_path);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return absl::UnavailableError("docstore: cannot rename " + relative_path + ": " +
                                  std::strerror(errno));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& root, const std::string& relative_path) {
  std::ifstream in(fs::path(root) / relative_path, std::ios::binary);
  if (!in) return absl::NotFoundError("docstore: cannot read " + relative_path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

absl::StatusOr<std::string> ZipSingleEntry(const std::string& name, std::string_view bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) return absl::InternalError("zip: cannot create buffer");
  zip_source_keep(buffer);  // read it back after zip_close
  std::unique_ptr<zip_source_t, void (*)(zip_source_t*)> holder(buffer, zip_source_free);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (archive == nullptr) return absl::InternalError("zip: cannot open archive");
  zip_source_t* entry = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
  if (entry == nullptr || zip_file_add(archive, name.c_str(), entry, ZIP_FL_ENC_UTF_8) < 0) {
    if (entry != nullptr) zip_source_free(entry);
    zip_discard(archive);
    return absl::InternalError("zip: cannot add entry");
  }
  if (zip_close(archive) != 0) {
    zip_discard(archive);
    return absl::InternalError("zip: cannot write archive");
  }
  if (zip_source_open(buffer) != 0) return absl::InternalError("zip: cannot reopen buffer");
  std::string out;
  char chunk[8192];
  zip_int64_t n;
  while ((n = zip_source_read(buffer, chunk, sizeof chunk)) > 0) {
    out.append(chunk, static_cast<size_t>(n));
  }
  zip_source_close(buffer);
  if (n < 0) return absl::InternalError("zip: cannot read archive");
  return out;
}

}  // namespace sevisflow::uploader
