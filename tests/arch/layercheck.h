// SPDX-License-Identifier: MIT
#pragma once

#include "base/result.h"

#include <optional>
#include <QList>
#include <QString>
#include <QStringList>

namespace Kodemon::Test {

// One line of cmake/layers.txt: a folder and what its files may include (folders or single headers).
struct LayerRule
{
    QString folder; // "core/sqlite", "ui"
    QStringList allowed; // "core/base", "core/ingest/ingestcounters.h"
    bool anything = false; // `*`
    int line = 0;
};

// A quoted include that the table does not allow, or that leads nowhere.
struct LayerViolation
{
    QString file; // relative to the tree's root
    int line = 0;
    QString include;
    QString reason;

    QString text() const; // "core/base/csv.cpp:4: includes "sqlite/x.h" (core/sqlite): not allowed for core/base"
};

// The include rules of the tree: which subsystem folder may include which. Parsed from cmake/layers.txt, the
// same table the libraries' links are made from.
class LayerTable final
{
public:
    // Fails naming the line of a malformed entry, an unknown folder in a rule or a cycle between folders.
    static Result<LayerTable> parse(const QString& text);

    const QList<LayerRule>& rules() const { return m_rules; }
    // The rule of the folder a file lies in (the longest folder that holds it); none outside every folder.
    const LayerRule* ruleFor(const QString& file) const;
    bool allows(const LayerRule& rule, const QString& header) const;

private:
    std::optional<QString> findCycle() const;
    QString folderOf(const QString& entry) const;

    QList<LayerRule> m_rules;
};

// Every quoted include of every .h and .cpp under `folders` of `root` (core, ui, app), resolved as the build
// resolves it (the including file's folder, then core/, ui/, app/), checked against the table.
QList<LayerViolation> checkLayers(const QString& root, const LayerTable& table, const QStringList& folders);

} // namespace Kodemon::Test
