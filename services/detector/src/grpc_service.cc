#include "services/detector/src/grpc_service.h"

#include <string>
#include <utility>

#include "sevisflow/rpc/caller.h"
#include "sevisflow/rpc/status.h"

namespace sevisflow::detector {

grpc::Status DetectorServiceImpl::RunAlerts(grpc::ServerContext*,
                                            const v1::RunAlertsRequest* request,
                                            v1::RunAlertsResponse* response) {
  absl::StatusOr<RunAlertsResult> result = detector_.RunAlerts(request->org_id());
  if (!result.ok()) return rpc::ToGrpcStatus(result.status());
  response->set_persons(result->persons);
  response->set_alerts(result->alerts);
  response->set_warning(result->warning);
  response->set_previous_run_at(result->previous_run_at);
  return grpc::Status::OK;
}

grpc::Status DetectorServiceImpl::Explain(grpc::ServerContext*, const v1::ExplainRequest* request,
                                          v1::ExplainResponse* response) {
  if (request->person_id().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "person_id is required");
  }
  auto alerts = detector_.Explain(request->person_id());
  if (!alerts.ok()) return rpc::ToGrpcStatus(alerts.status());
  response->set_found(alerts->has_value());
  if (alerts->has_value()) {
    for (auto& a : **alerts) *response->add_alerts() = std::move(a);
  }
  return grpc::Status::OK;
}

grpc::Status DetectorServiceImpl::SetRunControl(grpc::ServerContext* context,
                                                const v1::SetRunControlRequest* request,
                                                v1::SetRunControlResponse* response) {
  absl::StatusOr<rpc::Caller> caller = rpc::CallerFromContext(*context);
  if (!caller.ok()) return rpc::ToGrpcStatus(caller.status());
  absl::StatusOr<SetRunControlResult> result =
      detector_.SetRunControl(request->run_control(), caller->sevis_user_id);
  if (!result.ok()) return rpc::ToGrpcStatus(result.status());
  *response->mutable_run_control() = std::move(result->run_control);
  for (std::string& w : result->warnings) response->add_warnings(std::move(w));
  return grpc::Status::OK;
}

grpc::Status DetectorServiceImpl::GetRunControl(grpc::ServerContext*,
                                                const v1::GetRunControlRequest* request,
                                                v1::GetRunControlResponse* response) {
  absl::StatusOr<std::optional<v1::RunControl>> run_control =
      detector_.GetRunControl(request->org_id());
  if (!run_control.ok()) return rpc::ToGrpcStatus(run_control.status());
  response->set_found(run_control->has_value());
  if (run_control->has_value()) *response->mutable_run_control() = std::move(**run_control);
  return grpc::Status::OK;
}

grpc::Status DetectorServiceImpl::CheckManualEvent(grpc::ServerContext*,
                                                   const v1::CheckManualEventRequest* request,
                                                   v1::CheckManualEventResponse* response) {
  absl::StatusOr<ManualEventCheck> check = detector_.CheckManualEvent(
      request->person_id(), request->org_id(), request->event_type(), request->subject());
  if (!check.ok()) return rpc::ToGrpcStatus(check.status());
  response->set_allowed(check->check.allowed);
  for (std::string& u : check->check.unmet) response->add_unmet(std::move(u));
  response->set_sevis_id(std::move(check->sevis_id));
  response->set_visa_family(check->visa_family);
  return grpc::Status::OK;
}

}  // namespace sevisflow::detector
