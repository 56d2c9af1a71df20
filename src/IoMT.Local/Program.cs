using IoMT.Local;

var builder = WebApplication.CreateBuilder(args);
builder.AddIoMTLocal();

var app = builder.Build();
app.MapIoMTLocal();
app.Run();

/// <summary>Entry point of the local host; public so tests can start it in memory.</summary>
public partial class Program;
