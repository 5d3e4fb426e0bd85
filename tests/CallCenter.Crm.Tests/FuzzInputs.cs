using System.Text;
using System.Text.Json.Nodes;
using CallCenter.Core.Storage;
using CallCenter.Core.WhatsApp;
using CallCenter.Fakes;
using CallCenter.Testing;
using CallCenter.Web;

namespace CallCenter.Crm.Tests;

/// <summary>
/// Generated requests against every webhook and CRM route, from one seeded <see cref="Random"/>: the same seed
/// gives the same requests. Each method names the kind of input and what it must get back.
/// </summary>
public sealed class FuzzInputs(Random random, FuzzTargets t)
{
    private const string Form = "application/x-www-form-urlencoded";
    private static readonly string[] TwilioRoutes = ["/api/twilio/voice", "/api/twilio/status", "/api/twilio/recording", "/api/whatsapp/twilio"];

    /// <summary>Every class of character Azure Tables refuses in a key, and lengths around its limits.</summary>
    private static readonly string[] KeyAttacks =
    [
        "a/b", "a\\b", "a#b", "a?b", "a\u0000b", "a\u0001b", "a\u001Fb", "a\u007Fb", "a\u0080b", "a\u0085b", "a\u009Fb",
        "+15551234567\n", "ld123\n", "abc\r\n", "\tabc", " abc", "abc ", "..", ".", "%", "%2F", "a%2Fb", "é", "中文", "😀", "a|b",
        "a{b}", "'; --", "null", "-", "_", new string('a', 65), new string('b', 513), new string('c', 1025), new string('d', 4000),
    ];

    private static readonly string[] Charsets =
        ["utf-7", "UTF-7", "iso-8859-1", "latin1", "utf-16", "utf-32", "x-bogus", "\"utf-7\"", "utf-8; charset=utf-7", "us-ascii", "utf8", ""];

    private static readonly string[] NotUtf8 = [.. Charsets.Where(c => c.Length > 0 && !c.StartsWith("utf-8", StringComparison.Ordinal))];

    private static readonly string[] TwilioFields =
    [
        "CallSid", "AccountSid", "From", "To", "CallStatus", "Direction", "Timestamp", "CallDuration", "RecordingSid", "RecordingUrl",
        "RecordingStatus", "RecordingDuration", "RecordingChannels", "MessageSid", "Body", "ProfileName", "MessageStatus", "Caller",
    ];

    private static readonly string[] NotIds = [.. KeyAttacks.Where(a => !TableKeys.IsId(a))];

    public string Attack() => random.Next(4) == 0 ? RandomText(random.Next(1, 80)) : Pick(KeyAttacks);

    // ---- Refused by construction: must answer 4xx (reads may answer 200) and write nothing ----

    /// <summary>A Twilio webhook without a valid signature: no, garbage, another token's, or one over another URL.</summary>
    public FuzzRequest UnsignedTwilio()
    {
        var route = Pick(TwilioRoutes);
        var fields = RandomTwilioFields(route);
        var signature = random.Next(4) switch
        {
            0 => null,
            1 => Convert.ToBase64String(Bytes(20)),
            2 => TwilioRequestSigner.Sign("another-accounts-auth-token-000", Url(route), Distinct(fields)),
            _ => TwilioRequestSigner.Sign(CrmHost.TwilioAuthToken, Url(route) + "?x=1", Distinct(fields)),
        };
        return TwilioRequest(route, fields, signature);
    }

    /// <summary>A Meta webhook unsigned or wrongly signed, with any body and content type.</summary>
    public FuzzRequest UnsignedMeta()
    {
        var body = MetaBody(storable: random.Next(2) == 0);
        var headers = new List<KeyValuePair<string, string>>();
        switch (random.Next(4))
        {
            case 0:
                break;
            case 1:
                headers.Add(new("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(Bytes(32))));
                break;
            case 2:
                headers.Add(new("X-Hub-Signature-256", MetaSignature.Sign("another-apps-secret-0000", body)));
                break;
            default:
                headers.Add(new("X-Hub-Signature-256", "sha256=" + Attack()));
                break;
        }

        return new FuzzRequest("POST /api/whatsapp/meta", HttpMethod.Post, "/api/whatsapp/meta", JsonContentType(), body, Printable(headers));
    }

    public FuzzRequest MetaVerify()
    {
        var query = $"?hub.mode={Escape(Pick(["subscribe", "unsubscribe", Attack()]))}&hub.verify_token={Escape(Attack())}&hub.challenge={Escape(Attack())}";
        return new FuzzRequest("GET /api/whatsapp/meta", HttpMethod.Get, "/api/whatsapp/meta" + query, null, null, []);
    }

    /// <summary>Any CRM route with no key, a forged one, or the other tenant's key on this tenant's resources.</summary>
    public FuzzRequest UnauthenticatedCrm()
    {
        var route = Pick(CrmRoutes);
        var key = random.Next(5) switch
        {
            0 => null,
            1 => $"cck.{t.Tenant}.{t.KeyId}.{Convert.ToBase64String(Bytes(32))}",
            2 => "cck." + Printable(Attack()),
            3 => TestKeys.AdminKey + "x",
            _ => t.OtherKey,
        };
        if (key == t.OtherKey && route.Auth == "admin")
        {
            key = null;
        }

        return CrmRequest(route, Path(route), key, route.Method is "GET" or "DELETE" ? null : RandomJson(refused: false));
    }

    /// <summary>This tenant's key, one path id replaced by a key attack: 400 (or 404), before any storage call.</summary>
    public FuzzRequest BadPathId()
    {
        var route = Pick(CrmRoutes.Where(r => r.Path.Contains("{tenantId}", StringComparison.Ordinal)).ToList());
        var names = System.Text.RegularExpressions.Regex.Matches(route.Path, @"\{([A-Za-z]+)\}").Select(m => m.Groups[1].Value).ToList();
        var attacked = Pick(names);
        var key = route.Auth == "admin" || attacked == "tenantId" && random.Next(2) == 0 ? TestKeys.AdminKey : t.Key;
        var body = route.Method is "GET" or "DELETE" ? null : RandomJson(refused: true);
        return CrmRequest(route, Path(route, attacked, Attack()), key, body);
    }

    /// <summary>A write route with this tenant's (or the admin) key and a body that cannot be accepted.</summary>
    public FuzzRequest BadBody()
    {
        // Activating a version takes no body: with a valid path it is a write, so it is not a body case.
        var route = Pick(CrmRoutes.Where(r => r.Method is "POST" or "PUT" or "PATCH" && r.Name != "ActivatePromptVersion").ToList());
        var key = route.Auth == "admin" || route.Name is "PutTenant" ? TestKeys.AdminKey : t.Key;
        var (contentType, body) = random.Next(6) switch
        {
            0 => ("application/json; charset=" + Pick(NotUtf8), Encoding.UTF8.GetBytes("{\"name\":\"x\"}")),
            1 => (Pick(["text/plain", Form, "application/xml", "application/jsonx", "multipart/form-data; boundary=x", "json", ";;;"]), RandomJson(refused: false)),
            2 => ("application/json", InvalidUtf8()),
            3 => ("application/json", Encoding.UTF8.GetBytes(Pick(["{", "[1,2]", "null", "1", "\"x\"", "{\"a\":", Nest(100), "{}}"]))),
            _ => ("application/json", RandomJson(refused: true)),
        };
        var path = Path(route);
        if (route.Name is "CreateApiKey" && key == t.Key)
        {
            // A tenant key may not issue keys at all: the body does not matter.
            body = Encoding.UTF8.GetBytes("{\"name\":\"mint\"}");
        }

        return new FuzzRequest($"{route.Method} {route.Path}", new HttpMethod(route.Method), path, contentType, body, ApiKey(key));
    }

    /// <summary>List routes with continuation tokens that are not ours for this tenant and listing.</summary>
    public FuzzRequest BadContinuation()
    {
        var route = Pick(CrmRoutes.Where(r => r.Name is "ListLeads" or "ListCalls" or "ListConversations").ToList());
        var token = random.Next(4) switch
        {
            0 => t.OtherContinuation,
            1 => t.OtherContinuation[..^2] + (t.OtherContinuation[^2..] == "AA" ? "BB" : "AA"),
            2 => Convert.ToBase64String(Encoding.UTF8.GetBytes("1!8!" + Attack())).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            _ => Attack(),
        };
        return CrmRequest(route, Path(route) + "?continuation=" + Escape(token), t.Key, null);
    }

    /// <summary>Reads with odd queries: they may answer 200, never 5xx, and write nothing.</summary>
    public FuzzRequest OddRead()
    {
        var route = Pick(CrmRoutes.Where(r => r.Method == "GET" && r.Path.Contains("{tenantId}", StringComparison.Ordinal)).ToList());
        var query = random.Next(6) switch
        {
            0 => "?phone=" + Escape(Pick([t.VoiceNumber + "\n", "+15551234567\n", Attack(), "+1555123456789012"])),
            1 => "?limit=" + Escape(Pick(["0", "-1", "201", "1e3", "٣", " 5", "5\n", Attack()])),
            2 => "?from=" + Escape(Pick(["0001-01-01", "1600-12-31T23:59:59Z", "9999-12-31T23:59:59-14:00", "yesterday", Attack()])) + "&to=" + Escape(Pick(["2026-01-01", "0001-01-01"])),
            3 => "?status=" + Escape(Pick(["new\n", "NEW", Attack()])),
            4 => "?leadId=" + Escape(Attack()),
            _ => "?limit=1&limit=2&phone=&status=&continuation=",
        };
        return CrmRequest(route, Path(route) + query, t.Key, null);
    }

    // ---- Signed, yet nothing to store: 200 or 4xx, and nothing written ----

    /// <summary>A signed Meta body for the tenant's number in which every message is unstorable or null.</summary>
    public FuzzRequest SignedUnstorableMeta()
    {
        var body = MetaBody(storable: false);
        return new FuzzRequest("POST /api/whatsapp/meta", HttpMethod.Post, "/api/whatsapp/meta", "application/json", body,
            [new("X-Hub-Signature-256", MetaSignature.Sign(CrmHost.MetaAppSecret, body))]);
    }

    /// <summary>A signed Twilio webhook whose sid is a key attack, or whose charset is not UTF-8.</summary>
    public FuzzRequest SignedBadTwilio()
    {
        var route = Pick(TwilioRoutes);
        var fields = RandomTwilioFields(route);
        fields.RemoveAll(f => f.Key is "CallSid" or "MessageSid" or "RecordingSid");
        fields.Add(new(route == "/api/whatsapp/twilio" ? "MessageSid" : "CallSid", Pick(NotIds)));
        var request = TwilioRequest(route, fields, TwilioRequestSigner.Sign(CrmHost.TwilioAuthToken, Url(route), Distinct(fields)), utf8Only: random.Next(4) != 0);
        return request;
    }

    // ---- Signed or authenticated, anything goes: never 5xx ----

    public FuzzRequest SignedTwilio()
    {
        var route = Pick(TwilioRoutes);
        var fields = RandomTwilioFields(route);
        return TwilioRequest(route, fields, TwilioRequestSigner.Sign(CrmHost.TwilioAuthToken, Url(route), Distinct(fields)), utf8Only: true);
    }

    public FuzzRequest SignedMeta()
    {
        var body = MetaBody(storable: random.Next(2) == 0);
        return new FuzzRequest("POST /api/whatsapp/meta", HttpMethod.Post, "/api/whatsapp/meta", "application/json", body,
            [new("X-Hub-Signature-256", MetaSignature.Sign(CrmHost.MetaAppSecret, body))]);
    }

    /// <summary>Any CRM route with a valid key and a random body: duplicated, null, oversize and odd fields.</summary>
    public FuzzRequest AuthenticatedCrm()
    {
        var route = Pick(CrmRoutes.Where(r => r.Name is not ("PlaceCall" or "RevokeApiKey")).ToList());
        var key = route.Auth == "admin" || route.Name is "PutTenant" || random.Next(5) == 0 ? TestKeys.AdminKey : t.Key;
        var body = route.Method is "GET" or "DELETE" ? null : RandomJson(refused: false);
        var path = route.Name is "PutTenant" ? $"/api/tenants/fz-{random.Next(20)}" : Path(route);
        return CrmRequest(route, path, key, body);
    }

    // ---- Building blocks ----

    private static readonly IReadOnlyList<ApiRoute> CrmRoutes = ApiRoutes.All.Where(r => r.Auth is "admin" or "tenant").ToList();

    private string Path(ApiRoute route, string? attacked = null, string? value = null)
    {
        string Value(string name, string real) => name == attacked ? Escape(value!) : real;
        return route.Path
            .Replace("{tenantId}", Value("tenantId", t.Tenant), StringComparison.Ordinal)
            .Replace("{leadId}", Value("leadId", t.LeadId), StringComparison.Ordinal)
            .Replace("{callId}", Value("callId", t.CallSid), StringComparison.Ordinal)
            .Replace("{conversationId}", Value("conversationId", t.ConversationId), StringComparison.Ordinal)
            .Replace("{keyId}", Value("keyId", t.KeyId), StringComparison.Ordinal)
            .Replace("{channel}", Value("channel", Pick(["whatsapp", "voice-inbound", "voice-outbound"])), StringComparison.Ordinal)
            .Replace("{version}", Value("version", "1"), StringComparison.Ordinal)
            .Replace("{webhookId}", Value("webhookId", "we0123456789abcdef"), StringComparison.Ordinal)
            .Replace("{deliveryId}", Value("deliveryId", "wd00000000000000000010123456789ab"), StringComparison.Ordinal);
    }

    private FuzzRequest CrmRequest(ApiRoute route, string path, string? key, byte[]? body) =>
        new($"{route.Method} {route.Path}", new HttpMethod(route.Method), path, body is null ? null : JsonContentType(), body, ApiKey(key));

    private List<KeyValuePair<string, string>> ApiKey(string? key)
    {
        if (key is null)
        {
            return [];
        }

        return random.Next(4) == 0 ? [new("Authorization", "Bearer " + key)] : [new("X-Api-Key", key)];
    }

    private string JsonContentType() => random.Next(8) switch
    {
        0 => "application/json; charset=utf-8",
        1 => "application/json; charset=\"UTF-8\"",
        _ => "application/json",
    };

    /// <summary>
    /// A JSON object of known and unknown fields, some duplicated, with nulls, wrong types and oversize strings.
    /// <paramref name="refused"/> adds a field no body has, so the body is refused whatever else it holds.
    /// </summary>
    private byte[] RandomJson(bool refused)
    {
        string[] names = ["phone", "name", "status", "notes", "instructions", "businessFacts", "leadId", "to", "from", "id", "voiceNumbers",
            "whatsAppNumber", "metaPhoneNumberId", "whatsAppVerifyToken", "language", "voice", "timeZone", "transcriptionPolicy",
            "recordingRetentionDays", "unrecordedNumbers", "deleteRecordingFromTwilio", "scopes"];
        var parts = new List<string>();
        for (var i = random.Next(0, 6); i > 0; i--)
        {
            var name = Pick(names);
            parts.Add($"{Quote(name)}:{RandomJsonValue(name)}");
            if (random.Next(5) == 0)
            {
                parts.Add($"{Quote(name)}:{RandomJsonValue(name)}");
            }
        }

        if (refused)
        {
            parts.Insert(random.Next(parts.Count + 1), $"{Quote("x" + random.Next(1000))}:{RandomJsonValue("x")}");
        }

        return Encoding.UTF8.GetBytes("{" + string.Join(",", parts) + "}");
    }

    private string RandomJsonValue(string name) => random.Next(10) switch
    {
        0 => "null",
        1 => "[null]",
        2 => random.Next(-5, 5000).ToString(System.Globalization.CultureInfo.InvariantCulture),
        3 => Quote(new string('x', Pick([201, 4001, 20_001, 70_000]))),
        4 => Quote(Attack()),
        5 => "{\"a\":null}",
        6 => name is "voiceNumbers" or "unrecordedNumbers" or "scopes" ? $"[{Quote(Pick([t.VoiceNumber, "+15550001111", "keys", Attack()]))}]" : "true",
        _ => Quote(name switch
        {
            "phone" or "to" or "from" or "whatsAppNumber" => Pick(["+1555" + random.Next(1_000_000, 9_999_999), t.VoiceNumber, "+15551234567\n", "0501234567"]),
            "status" => Pick(["new", "qualified", "customer", "lost", "vip"]),
            "leadId" => Pick([t.LeadId, Attack()]),
            "language" => Pick(["en-US", "he-IL", "en-US\n"]),
            "timeZone" => Pick(["UTC", "Asia/Jerusalem", "../../etc/passwd", "\u0000"]),
            "transcriptionPolicy" => Pick(["RealtimeOnly", "Nope", "2"]),
            "metaPhoneNumberId" => Pick(["1234567890", "12345\n", "x"]),
            _ => RandomText(random.Next(0, 40)),
        }),
    };

    private List<KeyValuePair<string, string>> RandomTwilioFields(string route)
    {
        var fields = new List<KeyValuePair<string, string>>();
        var callSid = random.Next(3) == 0 ? t.CallSid : "CA" + Convert.ToHexStringLower(Bytes(16));
        fields.Add(new(route == "/api/whatsapp/twilio" ? "MessageSid" : "CallSid", route == "/api/whatsapp/twilio" ? "SM" + Convert.ToHexStringLower(Bytes(16)) : callSid));
        var tenantNumber = route == "/api/whatsapp/twilio" ? "whatsapp:" + t.WhatsAppNumber : t.VoiceNumber;
        var contact = (route == "/api/whatsapp/twilio" ? "whatsapp:" : "") + "+1555" + random.Next(1_000_000, 9_999_999);
        fields.Add(new("To", random.Next(3) == 0 ? contact : tenantNumber));
        fields.Add(new("From", random.Next(3) == 0 ? tenantNumber : contact));
        for (var i = random.Next(0, 8); i > 0; i--)
        {
            var name = random.Next(6) == 0 ? Printable(Attack()) : Pick(TwilioFields);
            fields.Add(new(name, TwilioValue(name)));
        }

        // Shuffled, so duplicates and order vary.
        return fields.OrderBy(_ => random.Next()).ToList();
    }

    private string TwilioValue(string name) => random.Next(6) switch
    {
        0 => Attack(),
        1 => new string('v', Pick([4097, 5000])),
        2 => "",
        _ => name switch
        {
            "CallStatus" => Pick(["queued", "ringing", "in-progress", "completed", "busy", "failed", "no-answer", "canceled", "nope"]),
            "Direction" => Pick(["inbound", "outbound-api", "outbound-dial"]),
            "Timestamp" => Pick(["Tue, 25 Nov 2026 12:00:00 +0000", "Mon, 01 Jan 0001 00:00:00 +0000", "Fri, 31 Dec 9999 23:59:59 -1400", "garbage"]),
            "RecordingSid" => "RE" + Convert.ToHexStringLower(Bytes(16)),
            "RecordingUrl" => Pick([$"https://api.twilio.com/2010-04-01/Accounts/{CrmHost.TwilioAccountSid}/Recordings/RE{Convert.ToHexStringLower(Bytes(16))}", "https://evil.example/r", "not a url"]),
            "RecordingStatus" => Pick(["completed", "absent", "in-progress", "failed", "x"]),
            "MessageStatus" => Pick(["sent", "delivered", "read", "failed", "received", "x"]),
            "CallDuration" or "RecordingDuration" or "RecordingChannels" => Pick(["0", "12", "-1", "99999999999", "1.5"]),
            _ => RandomText(random.Next(0, 30)),
        },
    };

    private FuzzRequest TwilioRequest(string route, List<KeyValuePair<string, string>> fields, string? signature, bool utf8Only = false)
    {
        var body = Encoding.UTF8.GetBytes(string.Join("&", fields.Select(f => Escape(f.Key) + "=" + Escape(f.Value))));
        var contentType = Form;
        switch (utf8Only ? random.Next(3) : random.Next(10))
        {
            case 0:
                contentType = Form + "; charset=utf-8";
                break;
            case 1:
                contentType = Form + "; charset=UTF-8";
                break;
            case 2:
                break;
            case 3 or 4:
                contentType = Form + "; charset=" + Pick(Charsets);
                break;
            case 5:
                contentType = Pick(["application/json", "text/plain", "multipart/form-data; boundary=zz", "application/x-www-form-urlencodedx", ""]);
                break;
            case 6:
                body = [.. body, .. "&Body="u8, .. InvalidUtf8()];
                break;
            case 7:
                body = Encoding.UTF8.GetBytes(Pick(["%", "a=%ZZ", "=&=&=", "&&&", new string('a', 20_000), string.Concat(Enumerable.Repeat("k=v&", 200))]));
                break;
            default:
                break;
        }

        var headers = signature is null ? new List<KeyValuePair<string, string>>() : [new("X-Twilio-Signature", signature)];
        if (random.Next(8) == 0)
        {
            headers.Add(new("X-Forwarded-Host", "evil.example"));
            headers.Add(new("X-Forwarded-Proto", "https"));
        }

        return new FuzzRequest("POST " + route, HttpMethod.Post, route, contentType.Length == 0 ? null : contentType, body, headers);
    }

    /// <summary>
    /// A Meta envelope for the tenant's number. Not <paramref name="storable"/>: every message is null, has a
    /// text or contact name over the limits, an out-of-range timestamp, or no usable id or sender.
    /// </summary>
    private byte[] MetaBody(bool storable)
    {
        if (random.Next(12) == 0)
        {
            return random.Next(2) == 0 ? InvalidUtf8() : Encoding.UTF8.GetBytes(Pick(["null", "[]", "1", "{", Nest(100), "{\"object\":null}", "{\"object\":\"whatsapp_business_account\",\"entry\":5}"]));
        }

        var messages = new JsonArray();
        var contacts = new JsonArray();
        for (var i = random.Next(0, 4); i > 0; i--)
        {
            var wa = "1555" + random.Next(1_000_000, 9_999_999);
            var message = new JsonObject
            {
                ["from"] = wa,
                ["id"] = "wamid." + Convert.ToBase64String(Bytes(24)),
                ["timestamp"] = "1749416383",
                ["type"] = "text",
                ["text"] = new JsonObject { ["body"] = RandomText(random.Next(1, 60)) },
            };
            var contact = new JsonObject { ["wa_id"] = wa, ["profile"] = new JsonObject { ["name"] = RandomText(random.Next(1, 20)) } };
            var kind = storable ? -1 : random.Next(7);
            if (!storable)
            {
                switch (kind)
                {
                    case 0:
                        message["text"] = new JsonObject { ["body"] = new string('t', Pick([8_193, 40_000, 70_000])) };
                        break;
                    case 1:
                        contact["profile"] = new JsonObject { ["name"] = new string('n', Pick([257, 70_000])) };
                        break;
                    case 2:
                        message["timestamp"] = Pick(["-1", "99999999999999999999", "253402300800", "1e10", "abc", " 1", "1\n"]);
                        break;
                    case 3:
                        message["id"] = Pick<JsonNode?>([null, "", new string('i', 201)]);
                        break;
                    case 4:
                        message["from"] = Pick<JsonNode?>([null, "", "abc", wa + "\n", "+" + wa]);
                        break;
                    case 5:
                        message["type"] = new string('y', 9_000);
                        break;
                    default:
                        messages.Add(null);
                        continue;
                }
            }

            messages.Add(message);
            // The long name must reach the message it spoils; other contacts may be missing.
            contacts.Add(kind != 1 && random.Next(6) == 0 ? null : contact);
        }

        var statuses = new JsonArray();
        for (var i = random.Next(0, 3); i > 0; i--)
        {
            statuses.Add(random.Next(4) == 0 ? null : new JsonObject { ["id"] = Attack(), ["status"] = Pick(["sent", "read", "failed", Attack()]), ["recipient_id"] = "1" });
        }

        JsonNode? value = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = random.Next(10) == 0 ? null : new JsonObject { ["display_phone_number"] = "15550000000", ["phone_number_id"] = random.Next(10) == 0 ? Attack() : t.MetaPhoneNumberId },
            // Without contacts a message's name is unknown, which would make a long-name message storable.
            ["contacts"] = storable && random.Next(8) == 0 ? null : contacts,
            ["messages"] = random.Next(8) == 0 ? null : messages,
            ["statuses"] = statuses,
        };
        JsonNode? change = random.Next(10) == 0 ? null : new JsonObject { ["field"] = random.Next(10) == 0 ? "other" : "messages", ["value"] = random.Next(10) == 0 ? null : value };
        JsonNode? entry = random.Next(10) == 0 ? null : new JsonObject { ["id"] = "1", ["changes"] = random.Next(10) == 0 ? null : new JsonArray(change, random.Next(3) == 0 ? null : new JsonObject()) };
        var envelope = new JsonObject { ["object"] = "whatsapp_business_account", ["entry"] = random.Next(10) == 0 ? null : new JsonArray(entry, random.Next(4) == 0 ? null : new JsonObject()) };
        return Encoding.UTF8.GetBytes(envelope.ToJsonString());
    }

    private string Url(string route) => new Uri(t.BaseUrl, route).AbsoluteUri;

    private static IEnumerable<KeyValuePair<string, string>> Distinct(IEnumerable<KeyValuePair<string, string>> fields) =>
        fields.GroupBy(f => f.Key, StringComparer.Ordinal).Select(g => new KeyValuePair<string, string>(g.Key, string.Join(",", g.Select(f => f.Value))));

    private byte[] InvalidUtf8()
    {
        byte[][] broken = [[0xC3, 0x28], [0xFF, 0xFE], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0x80]];
        return [.. "{\"name\":\""u8, .. Pick(broken), .. "\"}"u8];
    }

    private static string Nest(int depth) => new string('[', depth) + new string(']', depth);

    private string RandomText(int length)
    {
        const string pool = "abcXYZ019 +-_.,:;'\"\\/#?%&=é中😀\u0000\u001F\u007F\u0085\n\t";
        var text = new StringBuilder(length);
        while (text.Length < length)
        {
            var i = random.Next(pool.Length);
            // Keep surrogate pairs whole: a lone surrogate cannot be sent as UTF-8 at all.
            text.Append(char.IsHighSurrogate(pool[i]) ? pool.Substring(i, 2) : char.IsLowSurrogate(pool[i]) ? "x" : pool[i].ToString());
        }

        return text.ToString();
    }

    private static string Quote(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    private static string Escape(string s) => Uri.EscapeDataString(s);

    private static string Printable(string s) => new(s.Where(c => c is >= ' ' and <= '~').ToArray());

    private static List<KeyValuePair<string, string>> Printable(List<KeyValuePair<string, string>> headers) =>
        headers.Select(h => new KeyValuePair<string, string>(h.Key, Printable(h.Value))).ToList();

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
