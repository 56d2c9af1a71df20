using IoMT.Local;

var builder = WebApplication.CreateBuilder(args);
builder.AddIoMTLocal();

var app = builder.Build();
app.MapIoMTLocal();
app.Run();
