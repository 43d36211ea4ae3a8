# Helpers shared by infer's CMake files.

# infer_add_library(name SOURCES ... [MLIR_LIBS ...] [LIBS ...] [DEPENDS ...])
#
# A static library of infer. MLIR_LIBS are linked as libMLIR.so when
# INFER_LINK_MLIR_DYLIB is on (development builds) and as the static MLIR
# libraries otherwise; LIBS are linked as given.
function(infer_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;MLIR_LIBS;LIBS;DEPENDS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  if(ARG_MLIR_LIBS)
    mlir_target_link_libraries(${name} PUBLIC ${ARG_MLIR_LIBS})
  endif()
  # LLVM's own symbols (Support, ADT) come from libLLVM.so on Debian.
  if(LLVM_LINK_LLVM_DYLIB)
    target_link_libraries(${name} PUBLIC LLVM)
  else()
    target_link_libraries(${name} PUBLIC LLVMSupport)
  endif()
  if(ARG_LIBS)
    target_link_libraries(${name} PUBLIC ${ARG_LIBS})
  endif()
endfunction()
