# End-to-end check of `sevisctl detect` as a process: exit codes, stdout/stderr split, error
# format. Run by ctest (tools/sevisctl/CMakeLists.txt):
#   cmake -DSEVISCTL=<binary> -DXSD_DIR=<bundle> -DWORK_DIR=<scratch dir> -P detect_cli_e2e.cmake
# The student is synthetic.
foreach(var SEVISCTL XSD_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is required")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

set(student [=[{"personId":"SIS000001","version":"3","names":[{"nameType":"PRI","lastName":"Testperson","firstName":"Alexandra"}],"bio":{"birthDate":"2003-04-05","gender":"F","birthCity":"Lima","birthCountry":"PE","citizenshipCountry":"PE","preferredEmail":"student@example.edu"},"portOfEntry":[{"immigrationStatus":"01"}],"addresses":[{"addressType":"LOCL","address":{"line1":"12 College Ave","city":"Springfield","state":"IL","postalCode":"62701"}},{"addressType":"HOME","address":{"line1":"Av. Siempre Viva 742","city":"Lima","country":"PE"}}],"i20":[{"effectiveDate":"2026-01-10","effectiveStatus":"FORM_STATUS_ACTIVE","fundingVerified":true,"schoolCode":"ABC214F12345000","institution":"UNIV1","career":"GRAD","issueReason":"I","levelOfEducation":"04","fromDate":"2026-08-20","toDate":"2028-05-15","monthsInAcademicTerm":9,"tuition":"30000","livingExpenses":"15000","personalFunds":"45000"}],"plans":[{"planType":"MAJ","plan":"CSCI-MS","cipCode":"11.0701","active":true}]}]=])
file(WRITE "${WORK_DIR}/S.jsonl" "${student}\n")
file(WRITE "${WORK_DIR}/bad.jsonl" "${student}\n{\"personId\": SIS000002}\n")
file(WRITE "${WORK_DIR}/RC.json"
  "{\"orgId\": \"ABC214F12345000\", \"terms\": [{\"institution\": \"UNIV1\", \"career\": \"GRAD\",\n"
  " \"currentTerm\": \"2026FA\", \"currentTermBeginDate\": \"2026-08-20\",\n"
  " \"asOfDate\": \"2026-10-05\"}]}\n")

# Sets code, out, err and their lengths out_length, err_length.
function(run_detect)
  execute_process(COMMAND "${SEVISCTL}" detect --xsd-dir "${XSD_DIR}" ${ARGN}
                  WORKING_DIRECTORY "${WORK_DIR}"
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(LENGTH "${out}" out_length)
  string(LENGTH "${err}" err_length)
  foreach(var code out err out_length err_length)
    set(${var} "${${var}}" PARENT_SCOPE)
  endforeach()
endfunction()

# expect(<what> <if() condition words...>)
function(expect what)
  if(NOT (${ARGN}))
    message(FATAL_ERROR "${what}\nexit: ${code}\nstdout: ${out}\nstderr: ${err}")
  endif()
endfunction()

# A good run: one Create Student alert as one JSON line, nothing on stderr.
run_detect(--snapshots S.jsonl --today 2026-09-05)
expect("good run exits 0" code EQUAL 0)
string(REGEX MATCHALL "\n" newlines "${out}")
list(LENGTH newlines lines)
expect("good run prints one line" lines EQUAL 1)
string(FIND "${out}" "\"eventType\":\"EVENT_TYPE_CREATE_STUDENT\"" at)
expect("good run prints Create Student" NOT at EQUAL -1)
string(FIND "${out}" "\"detectedAt\":\"2026-09-05T00:00:00Z\"" at)
expect("detected_at is the run date" NOT at EQUAL -1)
expect("good run is quiet on stderr" err_length EQUAL 0)

# Bad JSON on line 2 and an invalid run control: refused whole, exit 2, FILE:LINE: on stderr.
run_detect(--snapshots bad.jsonl --run-control RC.json --today 2026-09-05)
expect("bad input exits 2" code EQUAL 2)
expect("bad input prints nothing on stdout" out_length EQUAL 0)
string(FIND "${err}" "bad.jsonl:2: invalid JSON: " at)
expect("bad line named" at EQUAL 0)
string(FIND "${err}" "RC.json:1: terms[0].as_of_date: 2026-10-05 is more than 30 days after" at)
expect("run control error named" NOT at EQUAL -1)

# A bad --today.
run_detect(--snapshots S.jsonl --today 2026-02-30)
expect("bad --today exits 2" code EQUAL 2)
expect("bad --today prints nothing on stdout" out_length EQUAL 0)
string(FIND "${err}" "--today: '2026-02-30' is not a date" at)
expect("bad --today is named" at EQUAL 0)
