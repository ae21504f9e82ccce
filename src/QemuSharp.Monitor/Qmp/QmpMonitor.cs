using System.Text.Json;
using System.Text.Json.Nodes;
using QemuSharp.Common.Options;
using QemuSharp.Monitor.Json;

namespace QemuSharp.Monitor.Qmp;

/// <summary>
/// A QMP monitor on one chardev: greets each new client, holds it in capabilities negotiation
/// until <c>qmp_capabilities</c>, then runs commands in order, one reply per command.
/// </summary>
public sealed class QmpMonitor(MonitorHost host, Chardev.Chardev chardev, bool pretty) : MonitorSession(host, chardev)
{
    private JsonStreamSplitter _splitter = new();

    public bool Negotiated { get; private set; }

    public bool OobEnabled { get; private set; }

    public override void OnOpened()
    {
        Negotiated = false;
        OobEnabled = false;
        _splitter = new JsonStreamSplitter();
        var version = JsonSerializer.SerializeToNode(Commands.ControlCommands.Version(Host), QmpTypes.JsonOptions);
        Send(new JsonObject
        {
            ["QMP"] = new JsonObject { ["version"] = version, ["capabilities"] = new JsonArray("oob") },
        });
    }

    public override void OnClosed()
    {
        Negotiated = false;
    }

    public override void Receive(ReadOnlySpan<byte> data)
    {
        foreach (var item in _splitter.Feed(data))
        {
            var reply = item.Error is not null ? ErrorReply(QmpError.Generic(item.Error), null) : Handle(item.Json!);
            Send(reply);
        }
    }

    public override void SendEvent(JsonObject ev)
    {
        if (Negotiated && Chardev.IsConnected)
            Send(ev);
    }

    private void Send(JsonObject message) => WriteText(QmpJsonWriter.Write(message, pretty));

    /// <summary>Enters command mode (called by <c>qmp_capabilities</c>).</summary>
    public void CompleteNegotiation(bool oob)
    {
        Negotiated = true;
        OobEnabled = oob;
    }

    private JsonObject Handle(string json)
    {
        JsonNode? request;
        try
        {
            request = JsonNode.Parse(json, null, new JsonDocumentOptions { MaxDepth = JsonStreamSplitter.MaxNesting + 8 });
        }
        catch (JsonException)
        {
            return ErrorReply(QmpError.Generic("JSON parse error, expecting value"), null);
        }
        if (request is not JsonObject obj)
            return ErrorReply(QmpError.Generic("QMP input must be a JSON object"), null);
        JsonNode? id = obj["id"]?.DeepClone();
        bool hasId = obj.ContainsKey("id");
        try
        {
            var result = Dispatch(obj);
            var reply = new JsonObject { ["return"] = result };
            if (hasId)
                reply["id"] = id;
            return reply;
        }
        catch (QmpError e)
        {
            return ErrorReply(e, hasId ? id : null, hasId);
        }
        catch (OptionException e)
        {
            return ErrorReply(QmpError.Generic(e.Message), hasId ? id : null, hasId);
        }
    }

    private JsonNode? Dispatch(JsonObject request)
    {
        string? name = null;
        bool oob = false;
        JsonObject? arguments = null;
        foreach (var (key, value) in request)
        {
            switch (key)
            {
                case "execute" or "exec-oob":
                    if (key == "exec-oob" && !OobEnabled)
                        throw QmpError.Generic("QMP input member 'exec-oob' is unexpected");
                    if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
                        throw QmpError.Generic($"QMP input member '{key}' must be a string");
                    name = v.GetValue<string>();
                    oob = key == "exec-oob";
                    break;
                case "arguments":
                    arguments = value as JsonObject ?? throw QmpError.Generic("QMP input member 'arguments' must be an object");
                    break;
                case "id":
                    break;
                default:
                    throw QmpError.Generic($"QMP input member '{key}' is unexpected");
            }
        }
        if (name is null)
            throw QmpError.Generic("QMP input lacks member 'execute'");
        var command = Host.Commands.Find(name);
        if (!Negotiated && name != "qmp_capabilities")
            throw QmpError.CommandNotFound("Expecting capabilities negotiation with 'qmp_capabilities'");
        if (command is null)
            throw QmpError.CommandNotFound($"The command {name} has not been found");
        if (oob && !command.AllowOob)
            throw QmpError.Generic($"The command {name} does not support OOB");
        return command.Invoke(new QmpContext(Host, this), arguments);
    }

    private static JsonObject ErrorReply(QmpError e, JsonNode? id, bool hasId = false)
    {
        var reply = new JsonObject();
        if (hasId)
            reply["id"] = id;
        reply["error"] = new JsonObject { ["class"] = e.ErrorClass, ["desc"] = e.Message };
        return reply;
    }
}
