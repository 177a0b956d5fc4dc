#include "store.h"

#include <fcntl.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <openssl/evp.h>

namespace sevisflow::importer {
namespace fs = std::filesystem;

absl::StatusOr<std::map<std::string, std::string>> ReadZipEntries(std::string_view zip,
                                                                  size_t max_entries,
                                                                  size_t max_total_bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(zip.data(), zip.size(), 0, &error);
  if (src == nullptr) return absl::InvalidArgumentError("zip: cannot create source");
  zip_t* archive = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (archive == nullptr) {
    zip_source_free(src);
    std::string msg = zip_error_strerror(&error);
    zip_error_fini(&error);
    return absl::InvalidArgumentError("not a readable zip: " + msg);
  }
  std::unique_ptr<zip_t, void (*)(zip_t*)> holder(archive, zip_discard);
  zip_int64_t n = zip_get_num_entries(archive, 0);
  if (n < 0 || static_cast<size_t>(n) > max_entries) {
    return absl::InvalidArgumentError("zip has too many entries");
  }
  std::map<std::string, std::string> entries;
  size_t total = 0;
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &st) != 0 ||
        !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE)) {
      return absl::InvalidArgumentError("zip entry " + std::to_string(i) + " unreadable");
    }
    std::string name = st.name;
    if (!name.empty() && name.back() == '/') continue;  // folder
    total += st.size;
    if (total > max_total_bytes) return absl::InvalidArgumentError("zip content too large");
    zip_file_t* f = zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0);
    if (f == nullptr) return absl::InvalidArgumentError("zip entry " + name + " cannot be opened");
    std::string content(st.size, '\0');
    zip_int64_t got = st.size == 0 ? 0 : zip_fread(f, content.data(), st.size);
    zip_fclose(f);
    if (got < 0 || static_cast<zip_uint64_t>(got) != st.size) {
      return absl::InvalidArgumentError("zip entry " + name + " truncated or corrupt");
    }
    entries[name] = std::move(content);
  }
  return entries;
}

absl::Status WriteFileAtomic(const std::string& root, const std::string& relative_path,
                             std::string_view bytes) {
  fs::path path = fs::path(root) / relative_path;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return absl::UnavailableError("docstore: cannot create folder: " + ec.message());
  std::string tmp = path.string() + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return absl::UnavailableError(std::string("docstore: ") + std::strerror(errno));
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t w = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return absl::UnavailableError(std::string("docstore: ") + std::strerror(err));
    }
    off += static_cast<size_t>(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return absl::UnavailableError("docstore: cannot complete a write");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& root, const std::string& relative_path) {
  fs::path path = fs::path(root) / relative_path;
  std::error_code ec;
  if (!fs::exists(path, ec)) return absl::NotFoundError("docstore: no file " + relative_path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::UnavailableError("docstore: cannot read " + relative_path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> ListFiles(const std::string& root, const std::string& relative_dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(fs::path(root) / relative_dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().filename().string().find(".tmp.") ==
                                       std::string::npos) {
      out.push_back(it->path().filename().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

bool IsSafeRelativePath(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string_view part =
        path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part == "." || part == ".." || part.find('\\') != std::string_view::npos) {
      return false;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

}  // namespace sevisflow::importer
