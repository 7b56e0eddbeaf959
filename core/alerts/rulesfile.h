// SPDX-License-Identifier: MIT
#pragma once

#include "alerts/alertrule.h"
#include "base/result.h"

#include <QHash>
#include <QList>
#include <QPair>
#include <QStringList>

namespace Kodemon {

// One `name = value` line of a rule, in the order written.
using RuleField = QPair<QString, QString>;

// A rule from its fields, checked as the rules file checks them; the error names the field.
Result<AlertRule> ruleFromFields(const QString& name, const QList<RuleField>& fields);
// The fields that ruleFromFields() reads back to the same rule (defaults left out).
QList<RuleField> ruleFields(const AlertRule& rule);
// The condition after `when =`; the error says what is wrong.
Result<AlertCondition> parseCondition(const QString& text);

// A rules file as text and as rules: the text is kept, so that editing a rule (from the window) changes only its
// own lines and every comment stays where its author put it.
//
// The format (README "Alerts" has a complete example):
//   # a comment: a line whose first non-blank character is '#' (a '#' elsewhere is part of the value)
//   interval = 5s                  settings for every rule come before the first rule
//   [checkout is slow]             a rule: its name in brackets, unique in the file
//   function = /srv/shop/views.py-checkout
//   when = p95 > 25 ms             then `name = value` lines, each name once (tag may repeat)
class RulesDocument final
{
public:
    RulesDocument() = default;
    // Reads the text of a rules file; the error starts with "line N: " and says what is wrong there.
    static Result<RulesDocument> parse(const QString& text);

    const AlertRules& rules() const { return m_rules; }
    QString text() const;

    // A copy with `rule` in place of the rule called `previousName` (added at the end when that is empty),
    // its lines rewritten in place. Fails when the name is taken or the result does not read back.
    Result<RulesDocument> withRule(const QString& previousName, const AlertRule& rule) const;
    Result<RulesDocument> withoutRule(const QString& name) const;
    Result<RulesDocument> withMuted(const QString& name, bool muted) const;

private:
    // Where one rule's lines are (0-based): its attached comments, its header and its last field.
    struct Span
    {
        int first = 0;
        int header = 0;
        int last = 0;
        QMultiHash<QString, int> fields; // field name -> its lines
    };
    int indexOf(const QString& name) const;
    static QStringList fieldLines(const AlertRule& rule);

    QStringList m_lines;
    AlertRules m_rules;
    QList<Span> m_spans;
};

// Reads a rules file; a file that does not exist is an empty document (rules made in the window create it).
// Errors name the file and the line: "/etc/kodemon/alerts.conf line 7: ...".
Result<RulesDocument> loadRulesFile(const QString& path);
// Writes the document atomically (readers never see half a file).
Status saveRulesFile(const QString& path, const RulesDocument& document);

} // namespace Kodemon
