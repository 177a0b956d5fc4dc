#pragma once
// The download of a processed batch: a zip holding sevis_transaction_log.xml and one form PDF
// per created record (INTERFACE.md §6). The PDFs are tiny placeholders that carry only the
// SEVIS ID and the batch ID.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace sevisflow::sim {

inline constexpr std::string_view kLogEntryName = "sevis_transaction_log.xml";

// A valid single-page PDF 1.4 (correct xref offsets) stating it is a simulated form.
std::string BuildFormPdf(std::string_view sevis_id, std::string_view batch_id);

// "<sevisID>_<batchid>.pdf"; characters of the batch ID that are unsafe in a file name
// (anything but letters, digits, '-' and '_') become '_'.
std::string FormPdfName(std::string_view sevis_id, std::string_view batch_id);

struct ZipEntry {
  std::string name;
  std::string content;
};

// An in-memory zip (deflate) of the entries, in order.
absl::StatusOr<std::string> BuildZip(const std::vector<ZipEntry>& entries);

// The entries of an in-memory zip, by name (used by tests and by anyone checking a result).
absl::StatusOr<std::map<std::string, std::string>> ReadZip(std::string_view zip_bytes);

}  // namespace sevisflow::sim
