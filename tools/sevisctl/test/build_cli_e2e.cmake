# End-to-end check of `sevisctl build` as a process: alerts made by `sevisctl detect` from
# synthetic students, closed into documents; exit codes, files written, stdout/stderr split,
# and xmllint (an independent validator) on a document. Run by ctest
# (tools/sevisctl/CMakeLists.txt):
#   cmake -DSEVISCTL=<binary> -DXSD_DIR=<bundle> -DWORK_DIR=<scratch dir> -P build_cli_e2e.cmake
foreach(var SEVISCTL XSD_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is required")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(org ABC214F12345000)

# Three synthetic F-1 students (the student of detect_cli_e2e.cmake with other ids).
set(student [=[{"personId":"@ID@","version":"3","names":[{"nameType":"PRI","lastName":"Testperson","firstName":"Alexandra"}],"bio":{"birthDate":"2003-04-05","gender":"F","birthCity":"Lima","birthCountry":"PE","citizenshipCountry":"PE","preferredEmail":"student@example.edu"},"portOfEntry":[{"immigrationStatus":"01"}],"addresses":[{"addressType":"LOCL","address":{"line1":"12 College Ave","city":"Springfield","state":"IL","postalCode":"62701"}},{"addressType":"HOME","address":{"line1":"Av. Siempre Viva 742","city":"Lima","country":"PE"}}],"i20":[{"effectiveDate":"2026-01-10","effectiveStatus":"FORM_STATUS_ACTIVE","fundingVerified":true,"schoolCode":"ABC214F12345000","institution":"UNIV1","career":"GRAD","issueReason":"I","levelOfEducation":"04","fromDate":"2026-08-20","toDate":"2028-05-15","monthsInAcademicTerm":9,"tuition":"30000","livingExpenses":"15000","personalFunds":"45000"}],"plans":[{"planType":"MAJ","plan":"CSCI-MS","cipCode":"11.0701","active":true}]}]=])
set(snapshots "")
foreach(id SIS000001 SIS000002 SIS000003)
  string(REPLACE "@ID@" "${id}" one "${student}")
  string(APPEND snapshots "${one}\n")
endforeach()
file(WRITE "${WORK_DIR}/S.jsonl" "${snapshots}")

# Sets code, out, err.
function(run)
  execute_process(COMMAND "${SEVISCTL}" ${ARGN}
                  WORKING_DIRECTORY "${WORK_DIR}"
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  foreach(var code out err)
    set(${var} "${${var}}" PARENT_SCOPE)
  endforeach()
endfunction()

# expect(<what> <if() condition words...>)
function(expect what)
  if(NOT (${ARGN}))
    message(FATAL_ERROR "${what}\nexit: ${code}\nstdout: ${out}\nstderr: ${err}")
  endif()
endfunction()

# expect_in(<what> <text variable> <substring>)
function(expect_in what variable substring)
  string(FIND "${${variable}}" "${substring}" at)
  expect("${what}: '${substring}' expected in ${variable}" NOT at EQUAL -1)
endfunction()

run(detect --xsd-dir "${XSD_DIR}" --snapshots S.jsonl --today 2026-09-05)
expect("detect makes the alerts" code EQUAL 0)
file(WRITE "${WORK_DIR}/A.jsonl" "${out}")
string(REGEX MATCHALL "\n" newlines "${out}")
list(LENGTH newlines alert_count)
expect("three Create Student alerts" alert_count EQUAL 3)

# 1. A good run: one document of three records, its records file, exit 0.
run(build --alerts A.jsonl --org ${org} --user dso0000001 --out out --xsd-dir "${XSD_DIR}")
expect("good run exits 0" code EQUAL 0)
expect("one line per document" out STREQUAL
       "SF000000000001\tFM\t3 records\tout/SF000000000001.xml\n")
expect("summary on stderr" err STREQUAL "1 document, 3 records\n")
expect("document written" EXISTS "${WORK_DIR}/out/SF000000000001.xml")
expect("records written" EXISTS "${WORK_DIR}/out/SF000000000001.records.json")
file(READ "${WORK_DIR}/out/SF000000000001.records.json" records)
expect_in("records map requestIDs" records "\"request_id\": \"")
expect_in("records name the person" records "\"person_id\": \"SIS000002\"")
file(READ "${WORK_DIR}/out/SF000000000001.xml" xml)
expect_in("the userID is in the document" xml "userID=\"dso0000001\"")
execute_process(COMMAND xmllint --noout --schema "${XSD_DIR}/6.55/Create-UpdateStudent.xsd"
                        "${WORK_DIR}/out/SF000000000001.xml"
                RESULT_VARIABLE lint_code OUTPUT_VARIABLE lint_out ERROR_VARIABLE lint_err)
if(NOT lint_code EQUAL 0)
  message(FATAL_ERROR "xmllint refuses the document:\n${lint_out}${lint_err}")
endif()

# 2. The same run again would reuse the batch ID: refused, exit 2, the document untouched.
run(build --alerts A.jsonl --org ${org} --user dso0000001 --out out --xsd-dir "${XSD_DIR}")
expect("a taken batch ID exits 2" code EQUAL 2)
expect_in("the taken file is named" err "out/SF000000000001.xml already exists")
file(READ "${WORK_DIR}/out/SF000000000001.xml" xml_again)
expect("the document is untouched" xml_again STREQUAL xml)

# 3. A bad line refuses the whole file: FILE:LINE: field: reason, nothing written.
file(READ "${WORK_DIR}/A.jsonl" alerts)
file(WRITE "${WORK_DIR}/bad.jsonl"
     "${alerts}{\"alertId\": \"x1\", \"orgId\": \"${org}\", \"eventTyp\": 1}\n")
run(build --alerts bad.jsonl --org ${org} --user dso0000001 --out bad-out --xsd-dir "${XSD_DIR}")
expect("bad input exits 2" code EQUAL 2)
string(LENGTH "${out}" out_length)
expect("bad input prints nothing on stdout" out_length EQUAL 0)
expect("bad line named" err STREQUAL "bad.jsonl:4: eventTyp: unknown field\n")
expect("nothing written for bad input" NOT EXISTS "${WORK_DIR}/bad-out")

# 4. A record the XSD refuses is returned (exit 3); the rest is still written and valid.
string(REGEX MATCH "^[^\n]*" first "${alerts}")
string(REPLACE "\"gender\":\"F\"" "\"gender\":\"Q\"" broken "${first}")
string(REGEX REPLACE "\"alertId\":\"[^\"]*\"" "\"alertId\":\"bad-gender\"" broken "${broken}")
# Another person: a second create of the same person would go into a second document.
string(REGEX REPLACE "\"personId\":\"[^\"]*\"" "\"personId\":\"SIS000009\"" broken "${broken}")
file(WRITE "${WORK_DIR}/mixed.jsonl" "${broken}\n${alerts}")
run(build --alerts mixed.jsonl --org ${org} --user dso0000001 --out mixed-out
    --xsd-dir "${XSD_DIR}" --batch-prefix CLI --first-sequence 7)
expect("a returned record exits 3" code EQUAL 3)
expect("the valid rest is written" out STREQUAL
       "CLI00000000007\tFM\t3 records\tmixed-out/CLI00000000007.xml\n")
expect_in("the returned record is named" err
          "mixed.jsonl:1: alert bad-gender (CREATE_STUDENT) returned: XSD_INVALID: ")
expect_in("with its element path" err "/PersonalInfo/Gender: value '...' not in enumeration")
expect_in("summary" err "1 document, 3 records; 1 returned")
execute_process(COMMAND xmllint --noout --schema "${XSD_DIR}/6.55/Create-UpdateStudent.xsd"
                        "${WORK_DIR}/mixed-out/CLI00000000007.xml"
                RESULT_VARIABLE lint_code OUTPUT_VARIABLE lint_out ERROR_VARIABLE lint_err)
if(NOT lint_code EQUAL 0)
  message(FATAL_ERROR "xmllint refuses the rebuilt document:\n${lint_out}${lint_err}")
endif()

# 5. Usage errors are bad arguments too: a missing --user, a userID of the wrong length.
run(build --alerts A.jsonl --org ${org} --out out2 --xsd-dir "${XSD_DIR}")
expect("a missing flag exits 2" code EQUAL 2)
run(build --alerts A.jsonl --org ${org} --user dso1 --out out2 --xsd-dir "${XSD_DIR}")
expect("a short userID exits 2" code EQUAL 2)
expect_in("the flag is named" err "--user: ")
expect("nothing written for bad flags" NOT EXISTS "${WORK_DIR}/out2")

# 6. --help names the exit codes.
run(build --help)
expect("help exits 0" code EQUAL 0)
expect_in("help names exit code 3" out "3 documents written, but some alerts were returned")
