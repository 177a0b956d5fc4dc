#include "sevisflow/docstore/docstore.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <openssl/evp.h>

namespace sevisflow::docstore {
namespace {
namespace fs = std::filesystem;

constexpr std::string_view kTempMarker = ".tmp.";

absl::Status Unavailable(std::string_view what, int err) {
  return absl::UnavailableError(std::string("docstore: ") + std::string(what) + ": " +
                                std::strerror(err));
}

// Closes a descriptor once; close() is not retried on EINTR (Linux releases the descriptor).
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now and reports the error, if any.
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

int OpenRetrying(const char* path, int flags, mode_t mode = 0) {
  int fd;
  do {
    fd = ::open(path, flags, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

int FsyncRetrying(int fd) {
  int rc;
  do {
    rc = ::fsync(fd);
  } while (rc != 0 && errno == EINTR);
  return rc;
}

// A temp name unique per process and per write, so concurrent writers never share one.
std::string TempPath(const fs::path& path) {
  static std::atomic<unsigned long> counter{0};
  return path.string() + std::string(kTempMarker) + std::to_string(::getpid()) + "." +
         std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
}

}  // namespace

std::string BatchDir(std::string_view org_id, std::string_view batch_id) {
  return std::string(org_id) + "/batches/" + std::string(batch_id);
}

std::string PersonDir(std::string_view org_id, std::string_view person_id) {
  return std::string(org_id) + "/persons/" + std::string(person_id);
}

bool IsSafeRelativePath(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    std::string_view part = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part == "." || part == ".." ||
        part.find_first_of(std::string_view("\\\0", 2)) != std::string_view::npos) {
      return false;
    }
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

absl::Status WriteFileAtomic(const std::string& root, const std::string& relative_path,
                             std::string_view bytes) {
  if (!IsSafeRelativePath(relative_path)) {
    return absl::InvalidArgumentError("docstore: unsafe relative path");
  }
  const fs::path path = fs::path(root) / relative_path;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return absl::UnavailableError("docstore: cannot create folder: " + ec.message());

  const std::string tmp = TempPath(path);
  Fd fd(OpenRetrying(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
  if (fd.get() < 0) return Unavailable("cannot create file", errno);
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(fd.get(), bytes.data() + off, bytes.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::unlink(tmp.c_str());
      return Unavailable("cannot write", err);
    }
    off += static_cast<size_t>(n);
  }
  if (FsyncRetrying(fd.get()) != 0 || fd.Close() != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Unavailable("cannot flush", err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Unavailable("cannot rename", err);
  }
  // Make the rename itself durable.
  Fd dir(OpenRetrying(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return Unavailable("cannot open folder", errno);
  if (FsyncRetrying(dir.get()) != 0) return Unavailable("cannot flush folder", errno);
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& root, const std::string& relative_path) {
  if (!IsSafeRelativePath(relative_path)) {
    return absl::InvalidArgumentError("docstore: unsafe relative path");
  }
  const fs::path path = fs::path(root) / relative_path;
  Fd fd(OpenRetrying(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return absl::NotFoundError("docstore: no such file");
    return Unavailable("cannot open", errno);
  }
  std::string out;
  char chunk[65536];
  while (true) {
    ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Unavailable("cannot read", errno);
    }
    if (n == 0) break;
    out.append(chunk, static_cast<size_t>(n));
  }
  return out;
}

std::vector<std::string> ListFiles(const std::string& root, const std::string& relative_dir) {
  std::vector<std::string> out;
  if (!IsSafeRelativePath(relative_dir)) return out;
  std::error_code ec;
  for (fs::directory_iterator it(fs::path(root) / relative_dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (it->is_regular_file(ec) && name.find(kTempMarker) == std::string::npos) {
      out.push_back(std::move(name));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace sevisflow::docstore
