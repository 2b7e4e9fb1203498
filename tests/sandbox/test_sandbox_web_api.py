"""The bot's own client, slack_sdk's WebClient, works against the sandbox for every method."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from slack_sdk import WebClient

from slack_sandbox import DemoWorld, SlackSandbox

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "Caller ID request *#12*"}}


def modal(title: str = "Caller ID", **extra: object) -> dict[str, object]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [SECTION],
        **extra,
    }


def test_auth_test_names_the_bot_and_its_workspace(sandbox: SlackSandbox, client: WebClient):
    answer = client.auth_test()
    assert answer["user_id"] == sandbox.bot_user_id
    assert answer["team_id"] == sandbox.team_id
    assert answer["bot_id"] == sandbox.bot_id


def test_a_posted_message_is_updated_reacted_to_and_deleted(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    posted = client.chat_postMessage(
        channel=world.globex_channel, text="Request #12", blocks=[SECTION]
    )
    assert posted["channel"] == world.globex_channel
    assert posted["message"]["blocks"] == [SECTION]

    client.chat_update(channel=world.globex_channel, ts=posted["ts"], text="Request #12 approved")
    client.reactions_add(
        channel=world.globex_channel, timestamp=posted["ts"], name="white_check_mark"
    )
    [shown] = sandbox.messages(world.globex_channel)
    assert shown["text"] == "Request #12 approved"
    assert shown["blocks"] == [SECTION], "blocks left out of chat.update stay as they were"
    assert shown["reactions"][0]["name"] == "white_check_mark"

    client.chat_delete(channel=world.globex_channel, ts=posted["ts"])
    assert sandbox.messages(world.globex_channel) == []


def test_message_timestamps_increase(world: DemoWorld, client: WebClient):
    stamps = [
        client.chat_postMessage(channel=world.staff_channel, text=str(n))["ts"] for n in range(5)
    ]
    assert stamps == sorted(stamps, key=float)
    assert len(set(stamps)) == 5
    assert all(len(ts.split(".")[1]) == 6 for ts in stamps)


def test_a_message_to_a_person_lands_in_the_bots_dm_with_them(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    posted = client.chat_postMessage(channel=world.alice, text="You have 2 requests to review")
    assert posted["channel"].startswith("D")
    assert sandbox.messages(world.alice)[0]["text"] == "You have 2 requests to review"
    opened = client.conversations_open(users=world.alice)
    assert opened["channel"]["id"] == posted["channel"]


def test_an_ephemeral_message_is_seen_by_one_person(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    answer = client.chat_postEphemeral(
        channel=world.globex_channel, user=world.carol, text="Only you"
    )
    assert answer["message_ts"]
    [seen] = sandbox.ephemerals(world.globex_channel, world.carol)
    assert seen["message"]["text"] == "Only you"
    assert sandbox.messages(world.globex_channel) == []


def test_a_slack_connect_customer_is_a_stranger_and_staff_are_not(
    world: DemoWorld, client: WebClient
):
    carol = client.users_info(user=world.carol)["user"]
    alice = client.users_info(user=world.alice)["user"]
    assert carol["is_stranger"] is True
    assert carol["team_id"] == world.globex_team
    assert "is_stranger" not in alice
    assert alice["is_admin"] is True


def test_a_shared_channel_names_the_customer_team_and_its_members(
    world: DemoWorld, client: WebClient, sandbox: SlackSandbox
):
    channel = client.conversations_info(channel=world.globex_channel)["channel"]
    assert channel["is_ext_shared"] is True
    assert world.globex_team in channel["connected_team_ids"]
    members = client.conversations_members(channel=world.globex_channel)["members"]
    assert set(members) == {sandbox.bot_user_id, world.alice, world.carol}


def test_members_come_in_pages_with_a_cursor(sandbox: SlackSandbox, client: WebClient):
    people = [sandbox.add_user(f"agent{n}") for n in range(5)]
    channel = sandbox.add_channel("crowd", members=people)
    seen: list[str] = []
    for page in client.conversations_members(channel=channel, limit=2):
        seen.extend(page["members"])
    assert seen == [sandbox.bot_user_id, *people]


def test_the_staff_usergroup_lists_its_agents(world: DemoWorld, client: WebClient):
    assert client.usergroups_users_list(usergroup=world.staff_group)["users"] == [
        world.alice,
        world.bob,
    ]


def test_a_modal_is_opened_pushed_and_updated_by_its_hash(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    opened = client.views_open(trigger_id=sandbox.issue_trigger_id(world.alice), view=modal())
    view = opened["view"]
    assert view["id"].startswith("V") and view["hash"]
    pushed = client.views_push(
        trigger_id=sandbox.issue_trigger_id(world.alice), view=modal("Evidence")
    )["view"]
    assert pushed["root_view_id"] == view["id"]
    assert pushed["previous_view_id"] == view["id"]

    updated = client.views_update(view_id=view["id"], hash=view["hash"], view=modal("Decided"))
    assert updated["view"]["hash"] != view["hash"]
    assert sandbox.last_view(world.alice)["title"]["text"] == "Decided"
    assert [v["id"] for v in sandbox.open_modals(world.alice)] == [view["id"], pushed["id"]]


def test_a_home_tab_is_published_and_republished(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    home = {"type": "home", "blocks": [SECTION]}
    first = client.views_publish(user_id=world.bob, view=home)["view"]
    again = client.views_publish(user_id=world.bob, view=home, hash=first["hash"])["view"]
    assert again["id"] == first["id"]
    assert sandbox.home_of(world.bob)["blocks"] == [SECTION]


def test_a_file_the_bot_uploads_is_posted_and_described(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    done = client.files_upload_v2(
        channel=world.staff_channel,
        content=b"%PDF-1.4 bill",
        filename="bill.pdf",
        title="Globex bill",
        initial_comment="Evidence for request #12",
    )
    file_id = done["file"]["id"]
    info = client.files_info(file=file_id)["file"]
    assert info["title"] == "Globex bill"
    assert info["mimetype"] == "application/pdf"
    assert info["filetype"] == "pdf"
    assert info["size"] == len(b"%PDF-1.4 bill")
    [message] = sandbox.messages(world.staff_channel)
    assert message["text"] == "Evidence for request #12"
    assert message["files"][0]["id"] == file_id
    assert sandbox.file_content(file_id) == b"%PDF-1.4 bill"


def test_every_call_is_recorded_with_its_arguments(
    sandbox: SlackSandbox, world: DemoWorld, client: WebClient
):
    client.chat_postMessage(channel=world.staff_channel, text="hello", blocks=[SECTION])
    [call] = sandbox.calls_to("chat.postMessage")
    assert call.args["blocks"] == [SECTION]
    assert call.token == sandbox.bot_token
    assert call.ok


def test_many_threads_posting_at_once_each_get_their_own_message(
    sandbox: SlackSandbox, world: DemoWorld
):
    def post_ten(worker: int) -> list[str]:
        client = WebClient(token=sandbox.bot_token, base_url=sandbox.api_url)
        return [
            client.chat_postMessage(channel=world.staff_channel, text=f"{worker}/{n}")["ts"]
            for n in range(10)
        ]

    with ThreadPoolExecutor(max_workers=8) as pool:
        stamps = [ts for batch in pool.map(post_ten, range(8)) for ts in batch]
    assert len(set(stamps)) == 80
    assert len(sandbox.messages(world.staff_channel)) == 80
    assert len(sandbox.calls_to("chat.postMessage")) == 80
