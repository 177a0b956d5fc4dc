#include "sevisflow/rules/code_tables.h"

#include <fstream>
#include <sstream>

namespace sevisflow::rules {
namespace {

// The value of attribute `name` inside the tag starting at `pos`, or "".
std::string Attribute(std::string_view text, size_t pos, std::string_view name) {
  size_t end = text.find('>', pos);
  if (end == std::string_view::npos) return "";
  std::string_view tag = text.substr(pos, end - pos);
  std::string needle = std::string(name) + "=\"";
  size_t a = tag.find(needle);
  if (a == std::string_view::npos) return "";
  a += needle.size();
  size_t b = tag.find('"', a);
  if (b == std::string_view::npos) return "";
  return std::string(tag.substr(a, b - a));
}

}  // namespace

CodeTables CodeTables::FromXsdText(std::string_view xsd) {
  CodeTables tables;
  constexpr std::string_view kOpen = "<xs:simpleType";
  constexpr std::string_view kClose = "</xs:simpleType>";
  constexpr std::string_view kEnum = "<xs:enumeration";
  size_t pos = 0;
  while ((pos = xsd.find(kOpen, pos)) != std::string_view::npos) {
    std::string name = Attribute(xsd, pos, "name");
    size_t end = xsd.find(kClose, pos);
    if (end == std::string_view::npos) break;
    if (!name.empty()) {
      size_t e = pos;
      while ((e = xsd.find(kEnum, e)) != std::string_view::npos && e < end) {
        tables.Add(name, Attribute(xsd, e, "value"));
        e += kEnum.size();
      }
    }
    pos = end + kClose.size();
  }
  return tables;
}

absl::StatusOr<CodeTables> CodeTables::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot read SEVIS code tables from " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  CodeTables tables = FromXsdText(buffer.str());
  if (tables.size() == 0) {
    return absl::InvalidArgumentError("no enumerated simple types in " + path);
  }
  return tables;
}

bool CodeTables::Accepts(std::string_view type, std::string_view value) const {
  const auto* values = Values(type);
  return values == nullptr || values->count(std::string(value)) > 0;
}

const std::set<std::string>* CodeTables::Values(std::string_view type) const {
  auto it = tables_.find(std::string(type));
  return it == tables_.end() ? nullptr : &it->second;
}

}  // namespace sevisflow::rules
