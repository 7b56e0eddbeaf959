// SPDX-License-Identifier: MIT
#include "application.h"
#include "appoptions.h"
#include "comparecommand.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <QApplication>
#include <QCoreApplication>
#include <QIcon>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace {

// One malloc arena for every thread. The receivers allocate the lists of calls that the writer frees, and the writer
// allocates its batches and rows: with an arena per thread (glibc's default, up to 8 per core) each kept its own
// high-water mark resident, and the process's peak was their sum (at the sender's maximum an arena of 63 MB, one of
// 28 MB and the main heap's 30 MB). Measured in docs/BENCHMARKS.md "The ingest memory bound": a lower peak, the
// same calls stored per second. Returning memory instead (a fixed M_MMAP_THRESHOLD, malloc_trim) was measured too
// and costs a page fault per page each time it is touched again (20-50% of the writer's speed here). Called before
// any thread starts; GLIBC_TUNABLES naming a malloc setting wins, for measuring.
void shareOneMallocArena()
{
#if defined(__GLIBC__)
    if (!qEnvironmentVariable("GLIBC_TUNABLES").contains(QLatin1String("glibc.malloc.")))
        mallopt(M_ARENA_MAX, 1);
#endif
}

// Help, version and --headless must work without a display, so they decide the kind of application object.
bool needsWindow(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        for (const char* windowless : { "--headless", "--help", "-h", "--help-all", "--version", "-v", "-?" }) {
            if (std::strcmp(argv[i], windowless) == 0)
                return false;
        }
    }
    return true;
}

// `--remote URL` or `--remote=URL`: a window on another Kodemon, which has no windowless form.
bool remoteRequested(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--remote") == 0 || std::strncmp(argv[i], "--remote=", 9) == 0)
            return true;
    }
    return false;
}

bool displayAvailable()
{
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")
        || qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

// The icon of packaging/linux, compiled in: the window shows it also when Kodemon is not installed.
QIcon applicationIcon()
{
    QIcon icon;
    for (int size : { 16, 22, 24, 32, 48, 64, 128, 256, 512 })
        icon.addFile(QStringLiteral(":/icons/kodemon-%1.png").arg(size), QSize(size, size));
    return icon;
}

std::unique_ptr<QCoreApplication> makeApplication(int& argc, char** argv, bool window)
{
    if (!window)
        return std::make_unique<QCoreApplication>(argc, argv);
    auto app = std::make_unique<QApplication>(argc, argv);
    // Wayland shells find the installed desktop entry, its name and icon by this id.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.kodemon.Kodemon"));
    QApplication::setWindowIcon(applicationIcon());
    return app;
}

} // namespace

int main(int argc, char** argv)
{
    shareOneMallocArena();
    if (!qEnvironmentVariableIsSet("QT_MESSAGE_PATTERN"))
        qSetMessagePattern(QStringLiteral("%{time yyyy-MM-dd hh:mm:ss.zzz} %{category} %{if-warning}warning: "
                                          "%{endif}%{if-critical}error: %{endif}%{message}"));
    // `kodemon compare ...`: the regression check for CI, without a display.
    if (argc > 1 && std::strcmp(argv[1], "compare") == 0) {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("kodemon"));
        QCoreApplication::setApplicationVersion(QStringLiteral(KODEMON_VERSION));
        QStringList arguments = QCoreApplication::arguments();
        arguments.removeAt(1);
        return Kodemon::runCompareCommand(arguments);
    }
    const bool window = needsWindow(argc, argv);
    if (window && !displayAvailable()) {
        std::fputs(remoteRequested(argc, argv)
                ? "kodemon: no display found (DISPLAY is not set); --remote shows another Kodemon in a window\n"
                : "kodemon: no display found (DISPLAY is not set); run 'kodemon --headless' to collect without a "
                  "window\n",
            stderr);
        return Kodemon::ExitUsage;
    }
    auto app = makeApplication(argc, argv, window);
    QCoreApplication::setApplicationName(QStringLiteral("kodemon"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KODEMON_VERSION));

    auto parsed = Kodemon::parseCommandLine(QCoreApplication::arguments());
    if (!parsed.options) {
        std::fputs(qPrintable(parsed.output), parsed.exitCode == Kodemon::ExitOk ? stdout : stderr);
        return parsed.exitCode;
    }
    Kodemon::Application application(*parsed.options);
    return application.run();
}
