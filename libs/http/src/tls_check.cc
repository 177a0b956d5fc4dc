#include "sevisflow/http/tls_check.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "sevisflow/common/clock.h"

namespace sevisflow::http {
namespace {

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// OpenSSL's passphrase callback: copies the password; 0 (no password) makes decryption fail
// instead of prompting on a terminal.
int PasswordCallback(char* buf, int size, int /*rwflag*/, void* userdata) {
  const auto* password = static_cast<const std::string*>(userdata);
  if (password == nullptr || password->empty()) return 0;
  int n = static_cast<int>(password->size());
  if (n > size) return -1;
  std::memcpy(buf, password->data(), static_cast<size_t>(n));
  return n;
}

absl::Status CheckReadable(const std::string& path, const char* what) {
  std::error_code ec;
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat(what, " path is empty"));
  if (!std::filesystem::exists(path, ec)) {
    return absl::NotFoundError(absl::StrCat(what, " file not found: ", path));
  }
  if (!std::filesystem::is_regular_file(path, ec)) {
    return absl::FailedPreconditionError(absl::StrCat(what, " is not a regular file: ", path));
  }
  std::ifstream in(path);
  if (!in) return absl::FailedPreconditionError(absl::StrCat(what, " file unreadable: ", path));
  return absl::OkStatus();
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::StatusOr<std::chrono::system_clock::time_point> ToTimePoint(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    return absl::FailedPreconditionError("certificate has an unreadable validity date");
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string NameCn(X509_NAME* name) {
  char buf[256] = {0};
  int n = X509_NAME_get_text_by_NID(name, NID_commonName, buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

std::string Day(std::chrono::system_clock::time_point t) {
  return common::Date::FromTime(t).ToString();
}

}  // namespace

absl::StatusOr<CertInfo> InspectClientCredentials(const std::string& cert_path,
                                                  const std::string& key_path,
                                                  const common::Secret& password,
                                                  std::chrono::system_clock::time_point now) {
  if (auto s = CheckReadable(cert_path, "client certificate"); !s.ok()) return s;
  if (auto s = CheckReadable(key_path, "client key"); !s.ok()) return s;

  // The error queue is per thread; leave it clean whatever happens.
  struct ErrClear {
    ~ErrClear() { ERR_clear_error(); }
  } clear_errors;

  BioPtr cert_bio(BIO_new_file(cert_path.c_str(), "r"));
  if (!cert_bio) {
    return absl::FailedPreconditionError(absl::StrCat("client certificate file unreadable: ",
                                                      cert_path));
  }
  X509Ptr cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    return absl::FailedPreconditionError(
        absl::StrCat("client certificate file is not a PEM certificate: ", cert_path));
  }

  BioPtr key_bio(BIO_new_file(key_path.c_str(), "r"));
  if (!key_bio) {
    return absl::FailedPreconditionError(absl::StrCat("client key file unreadable: ", key_path));
  }
  std::string secret = password.Reveal();
  PkeyPtr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, PasswordCallback, &secret));
  if (!key) {
    // Both PKCS#8 ("BEGIN ENCRYPTED PRIVATE KEY") and legacy ("Proc-Type: 4,ENCRYPTED")
    // encrypted keys say so in clear text; anything else that fails is not a key at all.
    if (ReadAll(key_path).find("ENCRYPTED") != std::string::npos) {
      return absl::FailedPreconditionError(
          password.empty()
              ? absl::StrCat("client key is encrypted and no key password is set: ", key_path)
              : absl::StrCat("wrong key password for client key: ", key_path));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("client key file is not a PEM private key: ", key_path));
  }

  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return absl::FailedPreconditionError(absl::StrCat("client key does not match certificate: ",
                                                      key_path, " vs ", cert_path));
  }

  CertInfo info;
  info.subject_cn = NameCn(X509_get_subject_name(cert.get()));
  info.issuer_cn = NameCn(X509_get_issuer_name(cert.get()));
  auto not_before = ToTimePoint(X509_get0_notBefore(cert.get()));
  if (!not_before.ok()) return not_before.status();
  auto not_after = ToTimePoint(X509_get0_notAfter(cert.get()));
  if (!not_after.ok()) return not_after.status();
  info.not_before = *not_before;
  info.not_after = *not_after;
  info.days_to_expiry = static_cast<int>(
      std::chrono::floor<std::chrono::days>(info.not_after - now).count());

  if (now > info.not_after) {
    return absl::FailedPreconditionError(absl::StrCat("client certificate \"", info.subject_cn,
                                                      "\" expired on ", Day(info.not_after),
                                                      ": ", cert_path));
  }
  if (now < info.not_before) {
    return absl::FailedPreconditionError(absl::StrCat("client certificate \"", info.subject_cn,
                                                      "\" not valid before ",
                                                      Day(info.not_before), ": ", cert_path));
  }
  return info;
}

absl::Status CheckCaBundle(const std::string& path) {
  if (auto s = CheckReadable(path, "CA bundle"); !s.ok()) return s;
  struct ErrClear {
    ~ErrClear() { ERR_clear_error(); }
  } clear_errors;
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) return absl::FailedPreconditionError(absl::StrCat("CA bundle file unreadable: ", path));
  X509Ptr first(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!first) {
    return absl::FailedPreconditionError(
        absl::StrCat("CA bundle holds no PEM certificate: ", path));
  }
  return absl::OkStatus();
}

}  // namespace sevisflow::http
