#pragma once
// gRPC sevisflow.v1.DetectorService over the Detector: argument checks and status mapping only;
// no exception leaves a handler (every failure is an absl::Status turned into a grpc::Status).

#include <grpcpp/grpcpp.h>

#include "services/detector/src/detector.h"
#include "sevisflow/v1/detector_service.grpc.pb.h"

namespace sevisflow::detector {

class DetectorServiceImpl final : public v1::DetectorService::Service {
 public:
  explicit DetectorServiceImpl(Detector& detector) : detector_(detector) {}

  grpc::Status RunAlerts(grpc::ServerContext* context, const v1::RunAlertsRequest* request,
                         v1::RunAlertsResponse* response) override;
  grpc::Status Explain(grpc::ServerContext* context, const v1::ExplainRequest* request,
                       v1::ExplainResponse* response) override;
  // Needs the caller's identity (x-sevis-user): it becomes the record's updated_by.
  grpc::Status SetRunControl(grpc::ServerContext* context,
                             const v1::SetRunControlRequest* request,
                             v1::SetRunControlResponse* response) override;
  grpc::Status GetRunControl(grpc::ServerContext* context,
                             const v1::GetRunControlRequest* request,
                             v1::GetRunControlResponse* response) override;
  grpc::Status CheckManualEvent(grpc::ServerContext* context,
                                const v1::CheckManualEventRequest* request,
                                v1::CheckManualEventResponse* response) override;

 private:
  Detector& detector_;
};

}  // namespace sevisflow::detector
