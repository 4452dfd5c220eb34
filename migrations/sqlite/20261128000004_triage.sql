-- Automatic triage: rules that supervisors edit, and the reactor's checkpoint.
--
-- Keywords are one per line and match as substrings after NFKC
-- normalization, lower-casing and katakana-to-hiragana folding, so Japanese
-- text needs no word boundaries. A rule may also require a category or a
-- channel. The defaults were tuned on a labelled set of inquiries
-- (projections/tests/fixtures/triage).

CREATE TABLE triage_rules (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    keywords TEXT NOT NULL,
    priority TEXT NOT NULL CHECK (priority IN ('high', 'urgent')),
    tag TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    category_id INTEGER NULL,
    channel TEXT NULL,
    hit_count INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

INSERT INTO triage_rules (name, keywords, priority, tag, active, hit_count, created_at, updated_at) VALUES
    ('製品事故・安全（発火・発煙・けが）', '発火し
燃えた
燃え出
燃えだ
発煙
煙が出
煙がで
焦げ臭
焦げくさ
こげくさ
異臭
火花
感電
膨らん
膨張
やけどした
やけどして
やけどしま
やけどをし
やけどを負
火傷した
火傷して
火傷しま
火傷をし
火傷を負
けがをして
けがをしま
けがして
けがしま
けがした
けがを負
怪我をして
怪我をしま
怪我して
怪我しま
怪我した
怪我を負
転倒
病院
救急
指を切
焦げた
溶けて
溶けた
転落
火が出
火がで
火が付い
火がつい
頭を打
打撲
骨折', 'urgent', 'safety', TRUE, 0, 0, 0),
    ('リコール・自主回収', 'リコール
自主回収
回収対象
回収の件
回収について
回収のお知らせ', 'urgent', 'recall', TRUE, 0, 0, 0),
    ('法的措置・消費者行政への言及', '訴え
訴訟
裁判
弁護士に
弁護士を
弁護士と
弁護士から
法的措置
消費者センター
消費生活センター
国民生活センター
消費者庁
出るところに出
出るとこに出
出るとこ出
警察', 'urgent', 'legal', TRUE, 0, 0, 0),
    ('肌トラブル・アレルギー反応', 'かぶれて
かぶれた
かぶれまし
肌荒れして
肌荒れした
肌荒れしま
肌荒れがひど
肌が荒れ
湿疹
発疹
じんましん
蕁麻疹
かゆみ
痒み
腫れ
ただれ
ひりひり
赤くな
皮膚科
アレルギー反応
アレルギーが出
ぶつぶつ', 'urgent', 'skin', TRUE, 0, 0, 0),
    ('返金・返品の要求', '返金
へんきん
refund
払い戻
払戻
代金を返
代金をお返し
お金を返
お金を戻
キャンセルしたのに
キャンセルされたのに
キャンセル済みなのに
お金が戻
金返せ', 'high', 'refund', TRUE, 0, 0, 0),
    ('二重請求・不正利用', '二重請求
二重引き落とし
二重引落
二重決済
二重払い
二重に請求
二重に引き落
2回請求
二回請求
2度請求
二度請求
2回引き落
二回引き落
不正利用
詐欺
身に覚えのない
2回決済
二回決済
二重課金
2回課金
二回課金
2重
引き落としが2回
請求が2回
両方請求
両方とも請求
両方引き落
二重で
二重計上', 'high', 'billing', TRUE, 0, 0, 0),
    ('未着・配送事故', '未着
まだ届
まだとど
届いていな
届いてな
届いておりません
届いてません
届いてへん
届かないの
届かないん
届かへん
到着していな
行方不明
紛失
届きません
とどきません
届かないと困
届かず
商品が来な
荷物が来な
商品が来ません
荷物が来ません', 'high', 'non-delivery', TRUE, 0, 0, 0),
    ('不良・破損・故障', '初期不良
不良品が届
不良品でし
不良品では
不良品を送
破損
壊れて
壊れま
壊れとる
こわれて
こわれま
割れて
割れとる
割れとった
われて
欠けて
ひびが
ひび割れ
破れて
穴が開
穴があい
ほつれて
故障し
故障だ
故障です
故障品
動かなくな
電源が入らな
電源が入りませ
電源がつかな
傷がつい
傷があり
濡れて
ぬれて
水濡れ
シミが
粉々
虫が
カビが生えて
カビが付いて
カビがついて
閉まらな
閉まりませ
ぼこぼこ
へこんで
凹んで
つぶれて
潰れて', 'high', 'defect', TRUE, 0, 0, 0),
    ('苦情・強い不満', 'クレーム
苦情
不満
誠意
責任者
上の人
ふざけ
ありえない
あり得ない
ありえへん
腹が立
腹立
許せな
納得でき
納得いかな
二度と
最悪です
最悪だ
最悪な
いい加減
対応がひど
ひどい対応
返事がな
返事ない
返事がありません
返信がな
返信がありません
連絡がない
連絡もない
連絡がありません
連絡もありません
対応が悪
ひどすぎ
悪すぎ
いいかげん
説明と違
説明と全然違', 'high', 'complaint', TRUE, 0, 0, 0),
    ('至急・期限付きの対応依頼', '至急
今日中
本日中
今すぐ
すぐに対応
すぐにご対応
すぐに連絡
すぐにご連絡
すぐに返
すぐに交換
すぐに止め
早急に
早急な
一刻も早く
急いでいます
急いでます
急ぎでお願い', 'high', 'rush', TRUE, 0, 0, 0);

INSERT INTO projection_checkpoints (name, position, generation, updated_at) VALUES ('triage', 0, 1, 0);
