//! Two instances of the service on one database, each with its own pool and HTTP server, under a mixed load
//! that races on the same documents and contributions (issue 7, item 6). Of the changes based on the same
//! state exactly one wins and the others are told 409 or 412, whichever instance they reach; afterwards every
//! win is counted exactly once and the invariants hold.

use futures_util::future::join_all;
use serde_json::json;
use tests::{Reply, invariants};

use crate::world::World;

/// Racers per race, alternating between the instances.
const RACERS: usize = 6;
const ROUNDS: usize = 12;

/// The revision an ETag names (`"7"`).
fn revision(etag: &str) -> i64 {
    etag.trim_matches('"').parse().expect("ETags are revisions")
}

/// Exactly one of the replies is `won`; the rest lost the race with 409 or 412.
fn one_winner(what: &str, replies: &[Reply], won: u16) -> usize {
    let winners: Vec<_> = replies.iter().enumerate().filter(|(_, r)| r.status == won).map(|(i, _)| i).collect();
    assert_eq!(
        winners.len(),
        1,
        "{what}: exactly one wins; got {:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for r in replies.iter().filter(|r| r.status != won) {
        assert!(r.status == 409 || r.status == 412, "{what}: a loser is told 409 or 412, not {}: {}", r.status, r.text);
        r.problem(r.status.as_u16());
    }
    winners[0]
}

/// Rounds of saves of one draft, every racer on the ETag read at the start of the round.
async fn race_draft_saves(w: &World, bases: &[String; 2]) {
    let doc = w.document("analysis", 2035).await;
    let version = w.version(&doc, 1);
    let first = revision(&w.get(&bases[0], &w.app.admin, &version).await.etag());
    for round in 0..ROUNDS {
        let etag = w.get(&bases[round % 2], &w.app.admin, &version).await.etag();
        let saves = (0..RACERS).map(|i| {
            w.save_on(&bases[i % 2], &version, &etag, json!({"summary": format!("Ronde {round}, schrijver {i}")}))
        });
        one_winner("save", &join_all(saves).await, 200);
    }
    let last = revision(&w.get(&bases[1], &w.app.admin, &version).await.etag());
    assert_eq!(last - first, ROUNDS as i64, "every won save moved the revision once, no lost or double update");
}

/// Rounds of a contribution's life: the police agree, the municipality starts it, then delivers or withdraws
/// it, each step raced by racers on both instances.
async fn race_contribution_lifecycles(w: &World, bases: &[String; 2]) {
    for round in 0..ROUNDS {
        let created =
            w.app.post("/api/v1/contributions", &w.app.admin, &w.proposal("G1", &format!("Ronde {round}"))).await;
        let path = format!("/api/v1/contributions/{}", created.id());
        for (token, actions) in [
            (&w.partner, ["agree"; RACERS]),
            (&w.app.admin, ["start"; RACERS]),
            (&w.app.admin, ["deliver", "withdraw", "deliver", "withdraw", "partially_deliver", "withdraw"]),
        ] {
            let etag = w.get(&bases[round % 2], token, &path).await.etag();
            let acts = actions.iter().enumerate().map(|(i, action)| {
                let note = (*action == "withdraw").then_some("Capaciteit elders nodig");
                w.act_on(&bases[i % 2], token, &path, &etag, action, note)
            });
            let replies = join_all(acts).await;
            let winner = one_winner(actions[0], &replies, 200);
            let expected = match actions[winner] {
                "agree" => "committed",
                "start" => "in_progress",
                "deliver" => "delivered",
                "partially_deliver" => "partially_delivered",
                _ => "withdrawn",
            };
            let now = w.get(&bases[(round + 1) % 2], &w.app.admin, &path).await;
            assert_eq!(now.body["status"], expected, "the winner's action is the one that took effect");
        }
        let history = w.get(&bases[0], &w.app.admin, &format!("{path}/transitions")).await;
        assert_eq!(history.body["results"].as_array().map(Vec::len), Some(3), "three transitions, one per race");
    }
}

/// Rounds of a document's new version, submission and adoption, each raced on both instances.
async fn race_document_lifecycle(w: &World, bases: &[String; 2]) {
    let doc = w.document("analysis", 2036).await;
    w.save(&bases[0], &doc, 1, json!({"summary": "Eerste analyse"})).await.ok(200);
    w.act(&bases[0], &w.app.admin, &w.version(&doc, 1), "submit", None).await.ok(200);
    w.act(&bases[1], &w.app.admin, &w.version(&doc, 1), "adopt", None).await.ok(200);
    for round in 0..ROUNDS {
        let path = format!("/api/v1/documents/{doc}/versions");
        let creates = (0..RACERS).map(|i| w.post(&bases[i % 2], &w.app.admin, &path, json!({})));
        let replies = join_all(creates).await;
        let number = replies[one_winner("new version", &replies, 201)].body["number"].as_i64().expect("number");
        assert_eq!(number, round as i64 + 2, "versions are numbered without gaps");
        let version = w.version(&doc, number);
        w.save(&bases[round % 2], &doc, number, json!({"summary": format!("Bijstelling {round}")})).await.ok(200);
        for action in ["submit", "adopt"] {
            let etag = w.get(&bases[0], &w.app.admin, &version).await.etag();
            let acts = (0..RACERS).map(|i| w.act_on(&bases[i % 2], &w.app.admin, &version, &etag, action, None));
            one_winner(action, &join_all(acts).await, 200);
        }
        let now = w.get(&bases[1], &w.app.admin, &format!("/api/v1/documents/{doc}")).await;
        assert_eq!(now.body["inForce"]["number"], number, "the version adopted last is in force");
    }
}

/// Partners reporting progress on one contribution through both instances at once: none is lost.
async fn check_ins_on_both(w: &World, bases: &[String; 2], contribution: &str) -> usize {
    let path = format!("/api/v1/contributions/{contribution}/check-ins");
    let mut answered = 0;
    for round in 0..ROUNDS {
        let posts = (0..RACERS).map(|i| w.post(&bases[i % 2], &w.partner, &path, w.check_in(round * i)));
        for r in join_all(posts).await {
            r.ok(201);
            answered += 1;
        }
    }
    answered
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_racing_on_the_same_documents_and_contributions_keep_every_invariant() {
    let w = World::new().await;
    let contribution = w.in_progress("G2").await;
    let bases = [w.app.address.clone(), w.app.second_instance().await];

    let (_, _, _, check_ins) = tokio::join!(
        race_draft_saves(&w, &bases),
        race_contribution_lifecycles(&w, &bases),
        race_document_lifecycle(&w, &bases),
        check_ins_on_both(&w, &bases, &contribution),
    );

    let listed =
        w.get(&bases[0], &w.app.admin, &format!("/api/v1/contributions/{contribution}/check-ins?pageSize=200")).await;
    assert_eq!(
        listed.body["results"].as_array().map(Vec::len),
        Some(check_ins),
        "every answered check-in is there once"
    );
    invariants::assert_hold(&w.app.db).await;
}
