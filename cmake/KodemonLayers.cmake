# SPDX-License-Identifier: MIT
# One static library per subsystem folder of core/, linked to the subsystems cmake/layers.txt says it may
# include: the table is the only place the architecture's arrows are written.
set(KODEMON_LAYERS_FILE "${PROJECT_SOURCE_DIR}/cmake/layers.txt")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${KODEMON_LAYERS_FILE}")

# The subsystem folders `folder` (e.g. core/sqlite) may include, as library names (kodemon_base ...).
function(kodemon_layer_dependencies folder out)
    file(STRINGS "${KODEMON_LAYERS_FILE}" lines REGEX "^${folder}:")
    set(result "")
    foreach(line ${lines})
        string(REGEX REPLACE "^[^:]+:" "" allowed "${line}")
        string(REGEX MATCHALL "core/[a-z]+" folders "${allowed}")
        foreach(dependency ${folders})
            string(REPLACE "core/" "kodemon_" library "${dependency}")
            list(APPEND result ${library})
        endforeach()
    endforeach()
    list(REMOVE_DUPLICATES result)
    set(${out} ${result} PARENT_SCOPE)
endfunction()

# kodemon_add_subsystem(<name> SOURCES <files...> [LIBRARIES <external targets...>])
# Makes kodemon_<name> (alias Kodemon::<name>) from core/<name>/, linked PUBLIC to its layer dependencies.
function(kodemon_add_subsystem name)
    cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
    add_library(kodemon_${name} STATIC ${ARG_SOURCES})
    add_library(Kodemon::${name} ALIAS kodemon_${name})
    kodemon_layer_dependencies("core/${name}" dependencies)
    target_link_libraries(kodemon_${name} PUBLIC ${dependencies} ${ARG_LIBRARIES} PRIVATE Kodemon::options)
endfunction()
