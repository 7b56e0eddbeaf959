# SPDX-License-Identifier: MIT
# What `make package` puts into the Debian package beside the kodemon binary (installed by app/), and the CPack
# settings that build it. The package version is PROJECT_VERSION, the same string `kodemon --version` prints.
set(KODEMON_LINUX_DIR "${PROJECT_SOURCE_DIR}/packaging/linux")
set(KODEMON_APP_ID "io.github.kodemon.Kodemon")
set(KODEMON_PACKAGE_MAINTAINER "The Kodemon developers <maintainers@kodemon.invalid>"
    CACHE STRING "Maintainer field of the Debian package (a placeholder until the project has an address)")
set(KODEMON_ICON_SIZES 16 22 24 32 48 64 128 256 512)

# Desktop entry, AppStream metainfo, icons (PNGs rendered by packaging/linux/icons/render-icons.sh).
install(FILES "${KODEMON_LINUX_DIR}/${KODEMON_APP_ID}.desktop" DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES "${KODEMON_LINUX_DIR}/${KODEMON_APP_ID}.metainfo.xml" DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES "${KODEMON_LINUX_DIR}/icons/kodemon.svg" DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
foreach(size IN LISTS KODEMON_ICON_SIZES)
    install(FILES "${KODEMON_LINUX_DIR}/icons/png/kodemon-${size}.png"
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps RENAME kodemon.png)
endforeach()

# The systemd unit, disabled until `systemctl enable`, where Debian 12's systemd.pc says units go.
set(KODEMON_SYSTEMD_UNIT_DIR "/lib/systemd/system" CACHE PATH "Where the package installs kodemon.service")
install(FILES "${KODEMON_LINUX_DIR}/kodemon.service" DESTINATION "${KODEMON_SYSTEMD_UNIT_DIR}")

# The man page and the Debian changelog carry the version; both are gzipped as Debian policy asks.
set(KODEMON_PACKAGE_DIR "${PROJECT_BINARY_DIR}/packaging")
string(TIMESTAMP KODEMON_PACKAGE_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC) # honours SOURCE_DATE_EPOCH
configure_file("${KODEMON_LINUX_DIR}/kodemon.1.in" "${KODEMON_PACKAGE_DIR}/kodemon.1" @ONLY)
configure_file("${KODEMON_LINUX_DIR}/debian/changelog.in" "${KODEMON_PACKAGE_DIR}/changelog" @ONLY)
foreach(page kodemon.1 changelog)
    add_custom_command(OUTPUT "${KODEMON_PACKAGE_DIR}/${page}.gz"
        COMMAND gzip -9 -n -c "${KODEMON_PACKAGE_DIR}/${page}" > "${KODEMON_PACKAGE_DIR}/${page}.gz"
        DEPENDS "${KODEMON_PACKAGE_DIR}/${page}"
        COMMENT "Compressing ${page}")
    list(APPEND KODEMON_PACKAGE_GZ "${KODEMON_PACKAGE_DIR}/${page}.gz")
endforeach()
add_custom_target(kodemon_package_files ALL DEPENDS ${KODEMON_PACKAGE_GZ})
install(FILES "${KODEMON_PACKAGE_DIR}/kodemon.1.gz" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES "${KODEMON_PACKAGE_DIR}/changelog.gz" "${KODEMON_LINUX_DIR}/debian/copyright"
    DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/kodemon)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kodemon)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "The Kodemon developers")
set(CPACK_PACKAGE_CONTACT "${KODEMON_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "live execution-time monitor for the functions of running programs")
# The long description as dpkg shows it: lines of at most 80 columns.
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
    "Kodemon receives the execution times that @kodemon-decorated Python"
    "functions and instrumented C++ scopes send over UDP, one small datagram per"
    "call, stores them in SQLite, shows them live in a desktop window with charts"
    "and statistics, and serves them as a JSON API and a self-updating web page."
    "It runs as a desktop application or headless on a server, with a systemd unit.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # kodemon_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
# dpkg-shlibdeps finds the libraries kodemon links; Qt loads its SQLite driver as a plugin, which it cannot see.
# The xcb platform plugin ships in libqt6gui6 on Debian 12, a linked library; Wayland sessions use qt6-wayland
# when present and fall back to xcb. dygraphs is compiled into the binary (core/CMakeLists.txt).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-wayland")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "sqlite3")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${KODEMON_LINUX_DIR}/debian/postinst" "${KODEMON_LINUX_DIR}/debian/prerm" "${KODEMON_LINUX_DIR}/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_SOURCE_GENERATOR "") # no source packages: the git repository is the source
include(CPack)
