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
