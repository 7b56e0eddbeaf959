// SPDX-License-Identifier: MIT
#include "layercheck.h"

#include <algorithm>
#include <functional>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QTextStream>

namespace Kodemon::Test {

namespace {

// The folders the build puts on the include path, after the including file's own.
const QStringList IncludeRoots = { QStringLiteral("core"), QStringLiteral("ui"), QStringLiteral("app") };

bool holds(const QString& folder, const QString& path)
{
    return path.startsWith(folder + u'/');
}

std::optional<LayerRule> parseRule(const QString& text, int line)
{
    const qsizetype colon = text.indexOf(u':');
    if (colon <= 0)
        return std::nullopt;
    LayerRule rule;
    rule.folder = text.left(colon).trimmed();
    rule.line = line;
    const QStringList allowed = text.mid(colon + 1).split(u' ', Qt::SkipEmptyParts);
    for (const QString& entry : allowed) {
        if (entry == QLatin1String("*"))
            rule.anything = true;
        else
            rule.allowed.append(entry);
    }
    static const QRegularExpression name(QStringLiteral("^[a-z]+(/[a-z]+)*$"));
    if (!name.match(rule.folder).hasMatch())
        return std::nullopt;
    return rule;
}

// The repository path a quoted include from `file` names, or empty when there is none.
QString resolve(const QString& root, const QString& file, const QString& include)
{
    const QDir base(root);
    QStringList candidates { QFileInfo(file).path() + u'/' + include };
    for (const QString& folder : IncludeRoots)
        candidates.append(folder + u'/' + include);
    for (const QString& candidate : std::as_const(candidates)) {
        const QString clean = QDir::cleanPath(candidate);
        if (QFileInfo::exists(base.filePath(clean)))
            return clean;
    }
    return {};
}

void checkFile(const QString& root, const QString& file, const LayerTable& table, QList<LayerViolation>& out)
{
    QFile source(QDir(root).filePath(file));
    if (!source.open(QIODevice::ReadOnly | QIODevice::Text))
        return;
    static const QRegularExpression quoted(QStringLiteral("^\\s*#\\s*include\\s+\"([^\"]+)\""));
    const LayerRule* rule = table.ruleFor(file);
    QTextStream stream(&source);
    for (int line = 1; !stream.atEnd(); ++line) {
        const auto match = quoted.match(stream.readLine());
        if (!match.hasMatch())
            continue;
        const QString include = match.captured(1);
        if (!rule) {
            out.append({ file, line, include, QStringLiteral("the file lies in no folder of cmake/layers.txt") });
            return;
        }
        const QString header = resolve(root, file, include);
        if (header.isEmpty())
            out.append({ file, line, include, QStringLiteral("no such header in core/, ui/ or app/") });
        else if (!table.allows(*rule, header))
            out.append({ file, line, include, QStringLiteral("%1 may not include %2").arg(rule->folder, header) });
    }
}

} // namespace

QString LayerViolation::text() const
{
    return QStringLiteral("%1:%2: #include \"%3\": %4").arg(file).arg(line).arg(include, reason);
}

Result<LayerTable> LayerTable::parse(const QString& text)
{
    LayerTable table;
    const QStringList lines = text.split(u'\n');
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = lines[i].trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        auto rule = parseRule(line, i + 1);
        if (!rule)
            return Error { QStringLiteral("line %1: expected `folder: allowed...`, got \"%2\"").arg(i + 1).arg(line),
                ErrorKind::Invalid };
        table.m_rules.append(*rule);
    }
    for (const LayerRule& rule : std::as_const(table.m_rules)) {
        for (const QString& entry : rule.allowed) {
            if (table.folderOf(entry).isEmpty())
                return Error { QStringLiteral("line %1: %2 lies in no folder of the table").arg(rule.line).arg(entry),
                    ErrorKind::Invalid };
        }
    }
    if (auto cycle = table.findCycle())
        return Error { QStringLiteral("the folders include each other in a circle: %1").arg(*cycle),
            ErrorKind::Invalid };
    return table;
}

QString LayerTable::folderOf(const QString& entry) const
{
    QString best;
    for (const LayerRule& rule : m_rules) {
        if ((entry == rule.folder || holds(rule.folder, entry)) && rule.folder.size() > best.size())
            best = rule.folder;
    }
    return best;
}

const LayerRule* LayerTable::ruleFor(const QString& file) const
{
    const LayerRule* best = nullptr;
    for (const LayerRule& rule : m_rules) {
        if (holds(rule.folder, file) && (!best || rule.folder.size() > best->folder.size()))
            best = &rule;
    }
    return best;
}

bool LayerTable::allows(const LayerRule& rule, const QString& header) const
{
    if (rule.anything || folderOf(header) == rule.folder)
        return true;
    return std::any_of(rule.allowed.begin(), rule.allowed.end(),
        [&header](const QString& entry) { return entry == header || holds(entry, header); });
}

std::optional<QString> LayerTable::findCycle() const
{
    QHash<QString, QStringList> edges;
    for (const LayerRule& rule : m_rules) {
        for (const QString& entry : rule.allowed)
            edges[rule.folder].append(folderOf(entry));
    }
    QHash<QString, int> state; // 1: on the path, 2: done
    QStringList path;
    std::function<bool(const QString&)> visit = [&](const QString& folder) {
        if (state.value(folder) == 2)
            return false;
        path.append(folder);
        if (state.value(folder) == 1)
            return true;
        state[folder] = 1;
        for (const QString& next : edges.value(folder)) {
            if (next != folder && visit(next))
                return true;
        }
        state[folder] = 2;
        path.removeLast();
        return false;
    };
    for (const LayerRule& rule : m_rules) {
        path.clear();
        if (visit(rule.folder))
            return path.join(QStringLiteral(" -> "));
    }
    return std::nullopt;
}

QList<LayerViolation> checkLayers(const QString& root, const LayerTable& table, const QStringList& folders)
{
    QList<LayerViolation> violations;
    const QDir base(root);
    for (const QString& folder : folders) {
        QStringList files;
        QDirIterator it(base.filePath(folder), { QStringLiteral("*.h"), QStringLiteral("*.cpp") }, QDir::Files,
            QDirIterator::Subdirectories);
        while (it.hasNext())
            files.append(base.relativeFilePath(it.next()));
        files.sort();
        for (const QString& file : std::as_const(files))
            checkFile(root, file, table, violations);
    }
    return violations;
}

} // namespace Kodemon::Test
