# sevisflow_proto_library(<target> PROTO_ROOT <dir> PROTOS a.proto b.proto ...)
# Generates C++ messages and gRPC stubs with Debian's protoc and grpc_cpp_plugin.
function(sevisflow_proto_library target)
  cmake_parse_arguments(ARG "" "PROTO_ROOT" "PROTOS" ${ARGN})
  set(out "${CMAKE_CURRENT_BINARY_DIR}/gen")
  file(MAKE_DIRECTORY "${out}")
  set(srcs)
  foreach(p ${ARG_PROTOS})
    get_filename_component(abs "${ARG_PROTO_ROOT}/${p}" ABSOLUTE)
    string(REGEX REPLACE "\\.proto$" "" stem "${p}")
    set(gen "${out}/${stem}.pb.cc" "${out}/${stem}.pb.h" "${out}/${stem}.grpc.pb.cc" "${out}/${stem}.grpc.pb.h")
    add_custom_command(
      OUTPUT ${gen}
      COMMAND ${SEVISFLOW_PROTOC} --proto_path=${ARG_PROTO_ROOT} --cpp_out=${out} --grpc_out=${out}
              --plugin=protoc-gen-grpc=${SEVISFLOW_GRPC_CPP_PLUGIN} ${abs}
      DEPENDS ${abs}
      COMMENT "protoc ${p}" VERBATIM)
    list(APPEND srcs ${gen})
  endforeach()
  add_library(${target} STATIC ${srcs})
  target_include_directories(${target} PUBLIC "${out}")
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf gRPC::grpc++)
endfunction()
