package dev.rollout.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** hooks.apply moves the traffic before the state moves; hooks.notify hears of every event. */
class HooksTest {

    @TempDir
    Path tmp;

    Path spec(String hooks) throws Exception {
        Path spec = tmp.resolve("rollout.yaml");
        Files.writeString(spec, """
                version: 1
                name: hooked
                model: {baseline: "41", candidate: "42"}
                stages:
                  - {name: shadow, traffic: 0}
                  - {name: eu, traffic: 20, segment: {region: eu, cohort: beta-users}}
                  - {name: all, traffic: 100}
                metrics:
                  - {name: acc}
                """ + hooks);
        return spec;
    }

    final CliRunner cli = new CliRunner().at("2026-01-01T00:00:00Z");

    @Test
    void applyRunsBeforeEveryMoveWithTheTargetInItsEnvironment() throws Exception {
        Path spec = spec("hooks: {apply: [sh, -c, 'env | grep ^ROLLOUT_ | sort >> apply.log; echo ---- >> apply.log']}\n");
        assertEquals(0, cli.run("advance", spec.toString()).exit());
        assertEquals(0, cli.run("advance", spec.toString(), "--force", "--reason", "test").exit());
        assertEquals(0, cli.run("rollback", spec.toString(), "--reason", "test").exit());
        String log = Files.readString(tmp.resolve("apply.log"));
        String[] runs = log.split("----\n");
        assertEquals(3, runs.length, log);
        assertTrue(runs[0].contains("ROLLOUT_ACTION=start\n") && runs[0].contains("ROLLOUT_STAGE=shadow\n")
                && runs[0].contains("ROLLOUT_TRAFFIC=0\n") && runs[0].contains("ROLLOUT_PREVIOUS_TRAFFIC=0\n"), runs[0]);
        assertTrue(runs[1].contains("ROLLOUT_ACTION=advance\n") && runs[1].contains("ROLLOUT_STAGE=eu\n")
                && runs[1].contains("ROLLOUT_TRAFFIC=20\n") && runs[1].contains("ROLLOUT_SEGMENT_REGION=eu\n")
                && runs[1].contains("ROLLOUT_SEGMENT_COHORT=beta-users\n") && runs[1].contains("ROLLOUT_CANDIDATE=42\n")
                && runs[1].contains("ROLLOUT_BASELINE=41\n") && runs[1].contains("ROLLOUT_NAME=hooked\n"), runs[1]);
        assertTrue(runs[2].contains("ROLLOUT_ACTION=rollback\n") && runs[2].contains("ROLLOUT_TRAFFIC=0\n")
                && runs[2].contains("ROLLOUT_PREVIOUS_TRAFFIC=20\n"), runs[2]);
        cli.run("approve", spec.toString(), "--by", "x");
        assertEquals(3, Files.readString(tmp.resolve("apply.log")).split("----\n").length, "no traffic change, no apply");
    }

    @Test
    void aFailingApplyStopsTheMoveWithItsStderrAndTheStateStaysAsItWas() throws Exception {
        Path spec = spec("hooks: {apply: \"echo 'kubectl: connection refused' >&2; exit 3\"}\n");
        CliRunner.Result first = cli.run("advance", spec.toString());
        assertEquals(1, first.exit(), first.toString());
        assertFalse(Files.exists(tmp.resolve(".rollout/hooked.state.json")), "not started");
        assertTrue(first.err().contains("hooks.apply: '") && first.err().contains("exited with 3: kubectl: connection refused")
                && first.err().contains("the rollout did not move"), first.err());
    }

    @Test
    void aHookThatHangsIsKilledAtItsTimeout() throws Exception {
        Path spec = spec("hooks: {apply: 'sleep 30', timeout: 1s}\n");
        long t0 = System.nanoTime();
        CliRunner.Result r = cli.run("advance", spec.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("timed out after 1s"), r.err());
        assertTrue((System.nanoTime() - t0) / 1e9 < 10, "did not wait for the hook");
    }

    @Test
    void aHookThatExitsLeavingAChildRunningHasTheChildEndedBeforeTheCommandReturns() throws Exception {
        Path spec = spec("hooks: {apply: 'sleep 60 & echo $! > child.pid'}\n");
        CliRunner.Result r = cli.run("advance", spec.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("warning: hooks.apply 'sleep 60 & echo $! > child.pid' exited and left 1 process(es)"
                + " running; ended them"), r.err());
        assertFalse(HookProcessTest.running(Long.parseLong(Files.readString(tmp.resolve("child.pid")).strip())),
                "the child ended with the hook's group");
    }

    @Test
    void aHookThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
        Path spec = spec("hooks: {apply: \"trap '' TERM; echo $$ > hook.pid; sleep 30 & echo $! > child.pid; wait\", timeout: 1s}\n");
        CliRunner.Result r = cli.run("advance", spec.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("timed out after 1s"), r.err());
        for (String pid : List.of("hook.pid", "child.pid")) {
            assertFalse(HookProcessTest.running(Long.parseLong(Files.readString(tmp.resolve(pid)).strip())), pid);
        }
    }

    @Test
    void notifyGetsEachEventAsJsonOnStdinAndItsFailureIsAWarning() throws Exception {
        Path spec = spec("hooks: {notify: 'cat >> events.jsonl; echo >> events.jsonl; echo \"$ROLLOUT_EVENT\" >> names.txt'}\n");
        assertEquals(0, cli.run("advance", spec.toString()).exit());
        assertEquals(0, cli.run("approve", spec.toString(), "--by", "bob").exit());
        assertEquals(List.of("STARTED", "APPROVED"), Files.readAllLines(tmp.resolve("names.txt")));
        String first = Files.readAllLines(tmp.resolve("events.jsonl")).get(0);
        assertEquals("STARTED", new ObjectMapper().readTree(first).get("event").asText());

        Path failing = spec("hooks: {notify: 'exit 7'}\n");
        CliRunner.Result r = cli.run("approve", failing.toString(), "--by", "carol");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("warning: hooks.notify 'exit 7' exited with 7 for event APPROVED"), r.err());
    }

    @Test
    void segmentKeysThatNameOneVariableAreRefusedNamingBoth() throws Exception {
        Path spec = spec("hooks: {apply: 'true'}\n");
        Files.writeString(spec, Files.readString(spec).replace("cohort: beta-users", "Region: us"));
        CliRunner.Result r = cli.run("plan", spec.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("rollout: " + spec + ": stages[1].segment.Region (line 6, column "), r.err());
        assertTrue(r.err().contains("'region' and 'Region' both give ROLLOUT_SEGMENT_REGION"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());

        Files.writeString(spec, Files.readString(spec).replace("{region: eu, Region: us}", "{a-b: eu, a_b: us}"));
        CliRunner.Result dash = cli.run("advance", spec.toString());
        assertEquals(1, dash.exit(), dash.toString());
        assertTrue(dash.err().startsWith("rollout: " + spec + ": stages[1].segment.a_b (line 6, column ")
                && dash.err().contains("'a-b' and 'a_b' both give ROLLOUT_SEGMENT_A_B"), dash.err());
        assertFalse(Files.exists(tmp.resolve(".rollout")), "nothing written");
    }

    @Test
    void aHookWhoseOutputIsNotUtf8StillSucceedsAndItsOutputIsShown() throws Exception {
        Path spec = spec("hooks: {apply: \"printf 'moved \\\\377\\\\376 to %s\\\\n' $ROLLOUT_TRAFFIC; printf 'half \\\\303' >&2\"}\n");
        CliRunner.Result r = cli.run("advance", spec.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("moved \uFFFD\uFFFD to 0\n") && r.err().contains("half \uFFFD"), r.err());
        assertTrue(Files.exists(tmp.resolve(".rollout/hooked.state.json")), "the rollout started");
    }

    @Test
    void aHookThatPrintsHundredsOfMegabytesKeepsOnlyTheTail() throws Exception {
        Path spec = spec("hooks: {apply: 'head -c 300000000 /dev/zero; echo; echo the last line; head -c 50000000 /dev/zero >&2;"
                + " echo >&2; echo the last error >&2'}\n");
        CliRunner.Result r = cli.run("advance", spec.toString());
        assertEquals(0, r.exit(), r.toString().substring(0, Math.min(2000, r.toString().length())));
        assertTrue(r.err().length() < 2_000_000, "kept " + r.err().length() + " chars");
        assertTrue(r.err().contains("the last line\n") && r.err().contains("the last error\n"),
                r.err().substring(Math.max(0, r.err().length() - 2000)));
        assertTrue(r.err().contains("300000015 bytes of stdout, the last"), r.err().substring(0, 300));
        assertTrue(r.err().contains("50000016 bytes of stderr, the last"), "stderr tail noted");
        assertTrue(Files.exists(tmp.resolve(".rollout/hooked.state.json")), "the rollout started");
    }

    @Test
    void dryRunRunsNoHook() throws Exception {
        Path spec = spec("hooks: {apply: 'touch applied', notify: 'touch notified'}\n");
        assertEquals(0, cli.run("advance", spec.toString(), "--dry-run").exit());
        assertFalse(Files.exists(tmp.resolve("applied")));
        assertFalse(Files.exists(tmp.resolve("notified")));
    }

    @Test
    void theFraudExampleSetsIstioWeightsAtEachStage() throws Exception {
        Path dir = CliRunner.copyExample("fraud-detector", tmp);
        String spec = dir.resolve("rollout.yaml").toString();
        cli.run("advance", spec);
        Path manifest = dir.resolve(".rollout/traffic.yaml");
        assertTrue(Files.readString(manifest).contains("weight: 100\n"), Files.readString(manifest));
        cli.run("advance", spec, "--force", "--reason", "x");
        assertTrue(Files.readString(manifest).contains("mirrorPercentage: {value: 100.0}"), "shadow mirrors traffic");
        cli.run("advance", spec, "--force", "--reason", "x");
        cli.run("advance", spec, "--force", "--reason", "x");
        String canary25 = Files.readString(manifest);
        assertTrue(canary25.contains("subset: v41}\n      weight: 75\n") && canary25.contains("subset: v42}\n      weight: 25\n"), canary25);
        byte[] before = Files.readAllBytes(manifest);
        cli.run("advance", spec, "--force", "--reason", "x", "--dry-run");
        assertArrayEquals(before, Files.readAllBytes(manifest));
    }
}
