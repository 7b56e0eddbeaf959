// SPDX-License-Identifier: MIT
#include "sqlite/sqlitealerthistory.h"

#include "sqlite/sqliteconnection.h"

#include <QSqlQuery>
#include <QVariant>

namespace Kodemon {

namespace {

const QString Columns = QStringLiteral("time, rule, token, key, from_state, to_state, value, threshold, condition");

QVariant optionalNumber(const std::optional<double>& value)
{
    return value ? QVariant(*value) : QVariant(QMetaType(QMetaType::Double));
}

std::optional<double> numberAt(const QSqlQuery& query, int column)
{
    const QVariant value = query.value(column);
    return value.isNull() ? std::nullopt : std::optional<double>(value.toDouble());
}

// A row in Columns' order. A state this build does not know (written by a newer one) reads as Ok.
AlertTransition transitionAt(const QSqlQuery& query)
{
    AlertTransition transition;
    transition.time = query.value(0).toDouble();
    transition.rule = query.value(1).toString();
    transition.series = { query.value(2).toString(), query.value(3).toString() };
    transition.from = parseAlertState(query.value(4).toString()).value_or(AlertState::Ok);
    transition.to = parseAlertState(query.value(5).toString()).value_or(AlertState::Ok);
    transition.value = numberAt(query, 6);
    transition.threshold = numberAt(query, 7);
    transition.condition = query.value(8).toString();
    return transition;
}

Result<QList<AlertTransition>> readAll(QSqlQuery& query, const QString& what)
{
    if (!query.exec())
        return sqlError(QStringLiteral("cannot read %1").arg(what), query.lastError());
    QList<AlertTransition> transitions;
    while (query.next())
        transitions.append(transitionAt(query));
    return transitions;
}

} // namespace

SqliteAlertHistory::SqliteAlertHistory(QString path)
    : m_path(std::move(path))
{ }

SqliteAlertHistory::~SqliteAlertHistory() = default;

Status SqliteAlertHistory::append(const QList<AlertTransition>& transitions)
{
    if (transitions.isEmpty())
        return Ok {};
    if (auto status = openOnce(m_connection, m_path); !status)
        return status;
    auto db = m_connection->database();
    if (!db.transaction())
        return sqlError(QStringLiteral("cannot store alert transitions"), db.lastError());
    if (auto status = insert(transitions); !status) {
        db.rollback();
        return status;
    }
    if (!db.commit())
        return sqlError(QStringLiteral("cannot commit alert transitions"), db.lastError());
    return prune();
}

Status SqliteAlertHistory::insert(const QList<AlertTransition>& transitions)
{
    QSqlQuery query(m_connection->database());
    query.prepare(QStringLiteral("INSERT INTO alert_transitions (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").arg(Columns));
    for (const auto& transition : transitions) {
        query.addBindValue(transition.time);
        query.addBindValue(sqlText(transition.rule));
        query.addBindValue(sqlText(transition.series.token));
        query.addBindValue(sqlText(transition.series.key));
        query.addBindValue(alertStateName(transition.from));
        query.addBindValue(alertStateName(transition.to));
        query.addBindValue(optionalNumber(transition.value));
        query.addBindValue(optionalNumber(transition.threshold));
        query.addBindValue(sqlText(transition.condition));
        if (!query.exec())
            return sqlError(QStringLiteral("cannot store an alert transition"), query.lastError());
    }
    return Ok {};
}

// Bounded by rows, not by age: a rule that flaps every evaluation must not fill the disk, and a quiet one keeps
// its years of history. One indexed delete, cheap when nothing is past the bound.
Status SqliteAlertHistory::prune()
{
    QSqlQuery query(m_connection->database());
    query.prepare(QStringLiteral("DELETE FROM alert_transitions WHERE id <= (SELECT max(id) FROM alert_transitions) - ?"));
    query.addBindValue(MaxTransitions);
    if (!query.exec())
        return sqlError(QStringLiteral("cannot delete the oldest alert transitions"), query.lastError());
    return Ok {};
}

Result<QList<AlertTransition>> SqliteAlertHistory::read(const AlertHistoryRequest& request)
{
    if (auto status = openOnce(m_connection, m_path); !status)
        return status.failure();
    QStringList where;
    QVariantList values;
    const auto condition = [&](const QString& sql, const QVariant& value) {
        where.append(sql);
        values.append(value);
    };
    if (request.rule)
        condition(QStringLiteral("rule = ?"), sqlText(*request.rule));
    if (request.series) {
        condition(QStringLiteral("key = ?"), sqlText(request.series->key));
        condition(QStringLiteral("token = ?"), sqlText(request.series->token));
    }
    if (request.range.from)
        condition(QStringLiteral("time >= ?"), *request.range.from);
    if (request.range.to)
        condition(QStringLiteral("time <= ?"), *request.range.to);
    QSqlQuery query(m_connection->database());
    query.prepare(QStringLiteral("SELECT %1 FROM alert_transitions %2 ORDER BY time DESC, id DESC LIMIT ?")
                      .arg(Columns,
                          where.isEmpty() ? QString() : QStringLiteral("WHERE ") + where.join(QLatin1String(" AND "))));
    for (const auto& value : std::as_const(values))
        query.addBindValue(value);
    query.addBindValue(qMax(request.limit, 0));
    return readAll(query, QStringLiteral("the alert history"));
}

Result<QList<AlertTransition>> SqliteAlertHistory::latest()
{
    if (auto status = openOnce(m_connection, m_path); !status)
        return status.failure();
    QSqlQuery query(m_connection->database());
    query.prepare(QStringLiteral("SELECT %1 FROM alert_transitions WHERE id IN "
                                 "(SELECT max(id) FROM alert_transitions GROUP BY rule, key, token) ORDER BY id")
                      .arg(Columns));
    return readAll(query, QStringLiteral("the alerts' last states"));
}

} // namespace Kodemon
