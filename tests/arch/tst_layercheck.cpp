// SPDX-License-Identifier: MIT
#include "layercheck.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Kodemon;
using namespace Kodemon::Test;

namespace {

const QString Table = QStringLiteral("# comment\n"
                                     "core/base:\n"
                                     "core/store: core/base\n"
                                     "core/sqlite: core/base core/store\n"
                                     "core/ingest: core/base core/store\n"
                                     "core/http: core/base core/ingest/ingestcounters.h\n"
                                     "ui: core/base core/store\n"
                                     "app: *\n");

// A tree of files for the check: path -> contents.
bool writeTree(const QTemporaryDir& dir, const QList<QPair<QString, QString>>& files)
{
    for (const auto& [path, contents] : files) {
        const QString full = dir.filePath(path);
        QDir().mkpath(QFileInfo(full).path());
        QFile file(full);
        if (!file.open(QIODevice::WriteOnly) || file.write(contents.toUtf8()) < 0)
            return false;
    }
    return true;
}

QString readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace

// The include check of `make test` (issue 14): the subsystem folders include only what cmake/layers.txt allows.
class tst_LayerCheck : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void includes_data();
    void includes();
    void malformedTablesAreRefused_data();
    void malformedTablesAreRefused();
    void theRepositoryKeepsItsLayers();
};

void tst_LayerCheck::includes_data()
{
    QTest::addColumn<QString>("file"); // written with one include line after a comment line
    QTest::addColumn<QString>("include");
    QTest::addColumn<QString>("violation"); // empty: allowed; else the text the check reports

    QTest::newRow("own folder") << "core/sqlite/a.cpp"
                                << "sqlite/b.h"
                                << "";
    QTest::newRow("allowed folder") << "core/sqlite/a.cpp"
                                    << "store/s.h"
                                    << "";
    QTest::newRow("lower layer") << "core/store/s.h"
                                 << "base/t.h"
                                 << "";
    QTest::newRow("upward") << "core/store/s.h"
                            << "sqlite/b.h"
                            << "core/store/s.h:2: #include \"sqlite/b.h\": core/store may not include core/sqlite/b.h";
    QTest::newRow("sideways") << "core/ingest/r.cpp"
                              << "sqlite/b.h"
                              << "core/ingest/r.cpp:2: #include \"sqlite/b.h\": core/ingest may not include "
                                 "core/sqlite/b.h";
    QTest::newRow("the one allowed header") << "core/http/h.cpp"
                                            << "ingest/ingestcounters.h"
                                            << "";
    QTest::newRow("its neighbour") << "core/http/h.cpp"
                                   << "ingest/collector.h"
                                   << "core/http/h.cpp:2: #include \"ingest/collector.h\": core/http may not include "
                                      "core/ingest/collector.h";
    QTest::newRow("ui's own header") << "ui/w.cpp"
                                     << "v.h"
                                     << "";
    QTest::newRow("ui reaching a store") << "ui/w.cpp"
                                         << "sqlite/b.h"
                                         << "ui/w.cpp:2: #include \"sqlite/b.h\": ui may not include core/sqlite/b.h";
    QTest::newRow("core reaching the ui") << "core/base/t.cpp"
                                          << "v.h"
                                          << "core/base/t.cpp:2: #include \"v.h\": core/base may not include ui/v.h";
    QTest::newRow("app anything") << "app/main.cpp"
                                  << "sqlite/b.h"
                                  << "";
    QTest::newRow("missing header") << "core/base/t.cpp"
                                    << "base/gone.h"
                                    << "core/base/t.cpp:2: #include \"base/gone.h\": no such header in core/, ui/ or "
                                       "app/";
    QTest::newRow("outside every folder") << "core/loose.cpp"
                                          << "base/t.h"
                                          << "core/loose.cpp:2: #include \"base/t.h\": the file lies in no folder of "
                                             "cmake/layers.txt";
}

void tst_LayerCheck::includes()
{
    QFETCH(QString, file);
    QFETCH(QString, include);
    QFETCH(QString, violation);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QList<QPair<QString, QString>> tree = {
        { QStringLiteral("core/base/t.h"), QString() },
        { QStringLiteral("core/store/s.h"), QString() },
        { QStringLiteral("core/sqlite/b.h"), QString() },
        { QStringLiteral("core/ingest/ingestcounters.h"), QString() },
        { QStringLiteral("core/ingest/collector.h"), QString() },
        { QStringLiteral("ui/v.h"), QString() },
    };
    QVERIFY(writeTree(dir, tree));
    QVERIFY(writeTree(
        dir, { { file, QStringLiteral("// SPDX-License-Identifier: MIT\n#include \"%1\"\n").arg(include) } }));
    const auto table = LayerTable::parse(Table);
    QVERIFY2(table.ok(), qPrintable(table.ok() ? QString() : table.error()));
    const QList<LayerViolation> found
        = checkLayers(dir.path(), *table, { QStringLiteral("core"), QStringLiteral("ui"), QStringLiteral("app") });
    QStringList texts;
    for (const auto& v : found)
        texts.append(v.text());
    QCOMPARE(texts, violation.isEmpty() ? QStringList() : QStringList { violation });
}

void tst_LayerCheck::malformedTablesAreRefused_data()
{
    QTest::addColumn<QString>("table");
    QTest::addColumn<QString>("error");
    QTest::newRow("no colon") << "core/base\n"
                              << "line 1: expected `folder: allowed...`, got \"core/base\"";
    QTest::newRow("unknown folder") << "core/base:\n\ncore/store: core/nowhere\n"
                                    << "line 3: core/nowhere lies in no folder of the table";
    QTest::newRow("cycle") << "core/a: core/b\ncore/b: core/c\ncore/c: core/a\n"
                           << "the folders include each other in a circle: core/a -> core/b -> core/c -> core/a";
}

void tst_LayerCheck::malformedTablesAreRefused()
{
    QFETCH(QString, table);
    QFETCH(QString, error);
    const auto parsed = LayerTable::parse(table);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error(), error);
}

void tst_LayerCheck::theRepositoryKeepsItsLayers()
{
    const QString root = QStringLiteral(KODEMON_SOURCE_DIR);
    const auto table = LayerTable::parse(readFile(root + QStringLiteral("/cmake/layers.txt")));
    QVERIFY2(table.ok(), qPrintable(table.ok() ? QString() : table.error()));
    const QList<LayerViolation> found
        = checkLayers(root, *table, { QStringLiteral("core"), QStringLiteral("ui"), QStringLiteral("app") });
    QStringList texts;
    for (const auto& v : found)
        texts.append(v.text());
    QVERIFY2(found.isEmpty(), qPrintable(u'\n' + texts.join(u'\n')));
}

QTEST_GUILESS_MAIN(tst_LayerCheck)
#include "tst_layercheck.moc"
