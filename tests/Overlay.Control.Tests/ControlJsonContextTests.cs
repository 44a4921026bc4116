using System.Text.Json;
using Overlay.Control;

namespace Overlay.Control.Tests;

/// <summary>The wire shape other tools (socat, scripts, the daemon) rely on.</summary>
public sealed class ControlJsonContextTests
{
    [Fact]
    public void Request_IsCamelCase_VersionFirst_NullsLeftOut()
    {
        var request = new ControlRequest(ControlVerbs.FdbShow, Fdb: new FdbFilter(Vni: 42));

        string json = JsonSerializer.Serialize(request, ControlJsonContext.Default.ControlRequest);

        Assert.Equal("{\"version\":1,\"verb\":\"fdb.show\",\"fdb\":{\"vni\":42}}", json);
    }

    [Fact]
    public void Request_WithoutVersion_MeansTheCurrentOne()
    {
        ControlRequest? request = JsonSerializer.Deserialize("{\"verb\":\"stats\"}", ControlJsonContext.Default.ControlRequest);

        Assert.Equal(new ControlRequest(ControlVerbs.Stats), request);
    }

    [Fact]
    public void Change_WithoutKind_IsPermanent()
    {
        ControlRequest? request = JsonSerializer.Deserialize(
            "{\"verb\":\"fdb.change\",\"change\":{\"op\":\"add\",\"network\":\"blue\",\"mac\":\"02:00:00:00:00:01\",\"port\":\"a\"}}",
            ControlJsonContext.Default.ControlRequest);

        Assert.Equal(new FdbChangeDto("add", "blue", "02:00:00:00:00:01", "a", null, "permanent"), request?.Change);
    }

    [Fact]
    public void Responses_HaveTheDocumentedShape()
    {
        ControlResponse success = ControlResponse.Success(
            JsonSerializer.SerializeToElement(new CountResultDto(3), ControlJsonContext.Default.CountResultDto));
        ControlResponse failure = ControlResponse.Failure("no network 'green'");

        Assert.Equal("{\"version\":1,\"ok\":true,\"result\":{\"count\":3}}", JsonSerializer.Serialize(success, ControlJsonContext.Default.ControlResponse));
        Assert.Equal("{\"version\":1,\"ok\":false,\"error\":\"no network \\u0027green\\u0027\"}", JsonSerializer.Serialize(failure, ControlJsonContext.Default.ControlResponse));
    }

    [Fact]
    public void FdbEntry_IsCamelCase()
    {
        string json = JsonSerializer.Serialize(SampleData.Entries[1], ControlJsonContext.Default.FdbEntryDto);

        Assert.Equal(
            "{\"vni\":42,\"network\":\"blue\",\"mac\":\"02:00:00:00:00:0b\",\"dst\":\"198.18.0.2\",\"kind\":\"dynamic\",\"updatedSecondsAgo\":1.4,\"usedSecondsAgo\":3.9}",
            json);
    }

    [Fact]
    public void Member_IsCamelCase()
    {
        string json = JsonSerializer.Serialize(SampleData.Members[2], ControlJsonContext.Default.MemberDto);

        Assert.Equal("{\"name\":\"host-3\",\"address\":\"2001:db8::3\",\"port\":17946,\"state\":\"dead\",\"incarnation\":0}", json);
    }

    [Fact]
    public void KeyChangeRequest_IsCamelCase()
    {
        var request = new ControlRequest(ControlVerbs.KeysChange, KeyChange: new KeyChangeDto("install", SampleData.Key16));

        string json = JsonSerializer.Serialize(request, ControlJsonContext.Default.ControlRequest);

        Assert.Equal("{\"version\":1,\"verb\":\"keys.change\",\"keyChange\":{\"op\":\"install\",\"key\":\"AAAAAAAAAAAAAAAAAAAAAA==\"}}", json);
    }

    [Fact]
    public void Key_IsCamelCase()
    {
        string json = JsonSerializer.Serialize(SampleData.Keys[0], ControlJsonContext.Default.KeyDto);

        Assert.Equal("{\"fingerprint\":\"630dcd2966c43366\",\"primary\":true}", json);
    }

    [Fact]
    public void Endpoint_IsCamelCase()
    {
        string json = JsonSerializer.Serialize(SampleData.Endpoints[1], ControlJsonContext.Default.EndpointDto);

        Assert.Equal(
            "{\"vni\":42,\"network\":\"blue\",\"endpointId\":\"ep-b\",\"mac\":\"02:00:00:00:00:0b\",\"addresses\":[\"198.19.0.11\"],"
            + "\"vtep\":\"198.18.0.2\",\"owner\":\"host-2\",\"version\":17,\"state\":\"installed\"}",
            json);
    }
}
