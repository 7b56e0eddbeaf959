// SPDX-License-Identifier: MIT
// GET /api/alerts' document: every rule with its alerts and history, filtered by state, and an API token limited
// to some tokens sees only their alerts; webhook URLs and commands (secrets) never appear.
#include "alerts/alertjson.h"
#include "alerts/rulesfile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace Kodemon;

class tst_AlertJson : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void listsRulesAlertsAndHistory();
    void filtersByState();
    void aScopedTokenSeesOnlyItsTokens();
    void historyIsLimited();
};

namespace {

AlertSnapshot snapshot()
{
    const auto document = RulesDocument::parse(QStringLiteral(
        "webhook = https://hooks.example.org/secret-path\n"
        "[api slow]\nfunctions = /srv/api/*\nwhen = p95 > 25 ms\nfor = 30s\n\n"
        "[blog quiet]\nfunction = /srv/blog.py-render\ntoken = blog\nwhen = no calls\nwindow = 1m\n"
        "command = /usr/local/bin/page-me --secret 123\n\n"
        "[nothing yet]\nfunction = /srv/new.py-f\nwhen = max > 1 s\n"));
    AlertSnapshot snapshot;
    snapshot.time = 1795608100;
    snapshot.rulesPath = QStringLiteral("/etc/kodemon/alerts.conf");
    snapshot.settings = document->rules().settings;
    const auto& rules = document->rules().rules;
    AlertRuleStatus api { rules[0], {}, {}, {} };
    api.instances.append({ { QStringLiteral("shop"), QStringLiteral("/srv/api/a.py-f") }, AlertState::Firing,
        1795608050, 1795608020, 0, 41.0, 25.0 });
    api.instances.append({ { QStringLiteral("blog"), QStringLiteral("/srv/api/a.py-f") }, AlertState::Pending,
        1795608090, 1795608090, 0, 30.0, 25.0 });
    for (int i = 0; i < 20; ++i)
        api.recent.append({ 1795608050.0 - i, api.rule.name, { i % 2 ? QStringLiteral("blog") : QStringLiteral("shop"), QStringLiteral("/srv/api/a.py-f") },
            AlertState::Pending, AlertState::Firing, 41.0, 25.0, QStringLiteral("p95 > 25 ms") });
    AlertRuleStatus blog { rules[1], {}, {}, {} };
    blog.instances.append({ { QStringLiteral("blog"), QStringLiteral("/srv/blog.py-render") }, AlertState::Ok, 0, 0,
        0, 12.0, std::nullopt });
    snapshot.rules = { api, blog, AlertRuleStatus { rules[2], {}, {}, {} } };
    snapshot.deliveries.delivered = 3;
    snapshot.deliveries.retries = 2;
    return snapshot;
}

QJsonObject parse(const QByteArray& json)
{
    return QJsonDocument::fromJson(json).object();
}

QStringList names(const QJsonObject& document)
{
    QStringList names;
    for (const auto& rule : document.value(QLatin1String("rules")).toArray())
        names.append(rule.toObject().value(QLatin1String("name")).toString());
    return names;
}

} // namespace

void tst_AlertJson::listsRulesAlertsAndHistory()
{
    const QByteArray json = AlertJson::alerts(snapshot(), {});
    const QJsonObject document = parse(json);
    QCOMPARE(document.value(QLatin1String("time")).toDouble(), 1795608100.0);
    QCOMPARE(document.value(QLatin1String("interval_seconds")).toDouble(), 5.0);
    QCOMPARE(document.value(QLatin1String("firing")).toInt(), 1);
    QCOMPARE(document.value(QLatin1String("rules_file")).toString(), QStringLiteral("/etc/kodemon/alerts.conf"));
    QCOMPARE(names(document), QStringList({ QStringLiteral("api slow"), QStringLiteral("blog quiet"),
                                  QStringLiteral("nothing yet") }));
    const QJsonObject api = document.value(QLatin1String("rules")).toArray().at(0).toObject();
    QCOMPARE(api.value(QLatin1String("state")).toString(), QStringLiteral("firing"));
    QCOMPARE(api.value(QLatin1String("pattern")).toBool(), true);
    QCOMPARE(api.value(QLatin1String("condition")).toString(), QStringLiteral("p95 > 25 ms"));
    QCOMPARE(api.value(QLatin1String("for_seconds")).toDouble(), 30.0);
    QCOMPARE(api.value(QLatin1String("notifies")).toArray(), QJsonArray({ QStringLiteral("webhook") }));
    const QJsonArray alerts = api.value(QLatin1String("alerts")).toArray();
    QCOMPARE(alerts.size(), 2);
    QCOMPARE(alerts.at(0).toObject().value(QLatin1String("value")).toDouble(), 41.0);
    QCOMPARE(alerts.at(0).toObject().value(QLatin1String("since")).toDouble(), 1795608050.0);
    QCOMPARE(api.value(QLatin1String("history")).toArray().size(), 10); // the default
    const QJsonObject quiet = document.value(QLatin1String("rules")).toArray().at(1).toObject();
    QCOMPARE(quiet.value(QLatin1String("notifies")).toArray(),
        QJsonArray({ QStringLiteral("webhook"), QStringLiteral("command") }));
    QVERIFY(quiet.value(QLatin1String("alerts")).toArray().at(0).toObject().value(QLatin1String("threshold")).isNull());
    QCOMPARE(document.value(QLatin1String("notifications")).toObject().value(QLatin1String("delivered")).toInt(), 3);
    QVERIFY(!json.contains("secret"));
}

void tst_AlertJson::filtersByState()
{
    AlertJson::Request request;
    request.state = AlertState::Firing;
    const QJsonObject firing = parse(AlertJson::alerts(snapshot(), request));
    QCOMPARE(names(firing), QStringList({ QStringLiteral("api slow") }));
    QCOMPARE(firing.value(QLatin1String("rules")).toArray().at(0).toObject().value(QLatin1String("alerts")).toArray().size(), 1);
    request.state = AlertState::Ok;
    // Ok: the rules whose alerts are ok, and the rule that watches nothing yet.
    QCOMPARE(names(parse(AlertJson::alerts(snapshot(), request))),
        QStringList({ QStringLiteral("blog quiet"), QStringLiteral("nothing yet") }));
}

void tst_AlertJson::aScopedTokenSeesOnlyItsTokens()
{
    AlertJson::Request request;
    request.scope = ReadScope::only({ QStringLiteral("shop") });
    const QJsonObject shop = parse(AlertJson::alerts(snapshot(), request));
    // The blog's rule and the rule for every token that watches nothing of the shop are not there.
    QCOMPARE(names(shop), QStringList({ QStringLiteral("api slow") }));
    const QJsonObject api = shop.value(QLatin1String("rules")).toArray().at(0).toObject();
    QCOMPARE(api.value(QLatin1String("alerts")).toArray().size(), 1);
    for (const auto& transition : api.value(QLatin1String("history")).toArray())
        QCOMPARE(transition.toObject().value(QLatin1String("token")).toString(), QStringLiteral("shop"));
    QVERIFY(shop.value(QLatin1String("rules_file")).isNull());
    QVERIFY(!shop.contains(QLatin1String("notifications")));

    request.scope = ReadScope::only({ QStringLiteral("blog") });
    const QJsonObject blog = parse(AlertJson::alerts(snapshot(), request));
    QCOMPARE(names(blog), QStringList({ QStringLiteral("api slow"), QStringLiteral("blog quiet") }));
    QCOMPARE(blog.value(QLatin1String("firing")).toInt(), 0);
}

void tst_AlertJson::historyIsLimited()
{
    AlertJson::Request request;
    request.history = 0;
    const auto none = parse(AlertJson::alerts(snapshot(), request));
    QCOMPARE(none.value(QLatin1String("rules")).toArray().at(0).toObject().value(QLatin1String("history")).toArray().size(), 0);
    request.history = 50;
    const auto all = parse(AlertJson::alerts(snapshot(), request));
    QCOMPARE(all.value(QLatin1String("rules")).toArray().at(0).toObject().value(QLatin1String("history")).toArray().size(), 20);
}

QTEST_GUILESS_MAIN(tst_AlertJson)
#include "tst_alertjson.moc"
