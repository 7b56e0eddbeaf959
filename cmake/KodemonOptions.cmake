# SPDX-License-Identifier: MIT
# One INTERFACE target carries the language standard, warnings and Qt defines for every Kodemon target.
add_library(kodemon_options INTERFACE)
add_library(Kodemon::options ALIAS kodemon_options)

target_compile_features(kodemon_options INTERFACE cxx_std_17)
set_target_properties(kodemon_options PROPERTIES INTERFACE_CXX_EXTENSIONS OFF)

target_compile_definitions(kodemon_options INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_URL_CAST_FROM_STRING
    QT_USE_QSTRINGBUILDER
    KODEMON_VERSION="${PROJECT_VERSION}")

target_compile_options(kodemon_options INTERFACE -Wall -Wextra -Wpedantic)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # Qt's logging macros (qCWarning(category) << ...) are variadic macros called without variadic arguments.
    target_compile_options(kodemon_options INTERFACE -Wno-gnu-zero-variadic-macro-arguments)
endif()
if(KODEMON_WARNINGS_AS_ERRORS)
    target_compile_options(kodemon_options INTERFACE -Werror)
endif()

# Debug information is most of every binary (a UI test: 80 of 83 MB) and each test binary repeats the libraries'
# copy; CI ran out of disk linking the sanitizer build. Compressed (zlib, which gdb, perf and the sanitizers'
# symbolizer all read) the same test is 35 MB.
option(KODEMON_COMPRESS_DEBUG "Compress debug sections (-gz) of Debug and RelWithDebInfo builds" ON)
if(KODEMON_COMPRESS_DEBUG)
    target_compile_options(kodemon_options INTERFACE $<$<CONFIG:Debug,RelWithDebInfo>:-gz>)
    target_link_options(kodemon_options INTERFACE $<$<CONFIG:Debug,RelWithDebInfo>:-gz>)
endif()

# Sanitizer builds (the `asan` preset) set KODEMON_SANITIZE to a -fsanitize= list.
set(KODEMON_SANITIZE "" CACHE STRING "Sanitizers to enable, e.g. address,undefined")
if(KODEMON_SANITIZE)
    target_compile_options(kodemon_options INTERFACE -fsanitize=${KODEMON_SANITIZE} -fno-omit-frame-pointer
        -fno-sanitize-recover=undefined)
    target_link_options(kodemon_options INTERFACE -fsanitize=${KODEMON_SANITIZE})
endif()

# Fuzzing instruments every Kodemon target for coverage; only the fuzz targets link the libFuzzer driver.
if(KODEMON_FUZZ)
    target_compile_options(kodemon_options INTERFACE -fsanitize=fuzzer-no-link)
endif()
