#pragma once
// The human output of the review commands: compact tables and an alert's detail, as strings
// (review_cmd.cc prints them; `--json` prints protobuf JSON instead). Pure, unit-tested.
// Enum values are printed without their prefix: OPEN, CREATE_STUDENT, FM.

#include <string>
#include <vector>

#include "sevisflow/v1/review_service.pb.h"
#include "sevisflow/v1/supplemental.pb.h"

namespace sevisflow::sevisctl {

// Columns padded to their widest cell, two spaces apart, no trailing blanks; every line ends
// in '\n'. A missing cell is printed as "-".
std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

std::string StateName(v1::AlertState state);    // "OPEN"
std::string FamilyName(v1::VisaFamily family);  // "FM", "J"

// Protobuf JSON of a message (snake_case field names, indented), ending in '\n'.
std::string ToJson(const google::protobuf::Message& message);

// sevisctl whoami
std::string FormatWhoAmI(const v1::WhoAmIResponse& response);

// sevisctl alerts list: ALERT STATE EVENT PERSON SUBJECT DETECTED ISSUES, then "N alerts".
// ISSUES counts the detector's issues plus the review issues (XSD, SEVIS).
std::string FormatAlertList(const v1::ListAlertsResponse& response);

// sevisctl alerts show / add: the alert's keys and state, then its data (protobuf JSON of the
// data oneof), changes (field, SEVIS value, SIS value), issues and review issues.
std::string FormatAlertDetail(const v1::ReviewAlert& alert);

// sevisctl alerts select|deselect|reject: "N <verb>" then one "refused ID: reason" per refusal.
std::string FormatChanged(int changed, const std::string& verb,
                          const google::protobuf::RepeatedPtrField<std::string>& refused,
                          const google::protobuf::RepeatedPtrField<std::string>& reasons);

// sevisctl batch close
std::string FormatCloseBatch(const v1::CloseBatchResponse& response);
// sevisctl batch list: BATCH FAMILY STATE RECORDS CREATED USER CLOSED_BY
std::string FormatBatchList(const v1::ListBatchesResponse& response);

// sevisctl supplemental get|set: the stamps on one line, then the data as protobuf JSON.
std::string FormatSupplemental(const v1::SupplementalData& data);

// sevisctl audit: AT ACTOR ACTION PERSON ALERT BATCH EVENT DETAIL, newest first as received.
std::string FormatAudit(const v1::QueryAuditResponse& response);

}  // namespace sevisflow::sevisctl
