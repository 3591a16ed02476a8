"""How much a word says in general language: the everyday words of English and Spanish in two bands.

A word every conversation uses ("work", "need", "best", "cambiar", "funciona") says little about
what a visitor wants from *this* assistant, however rarely the deployment's own examples use it; a
word general language seldom uses ("roaming", "teak", "router", "factura") says a lot. Recognition
weighs each stem by its band (``specificity``): shared everyday words can no longer carry an
off-topic sentence into an intent ("how do vaccines work" is not a network that does not work), and
an unknown everyday word counts less against an intent than an unknown rare one ("my data stopped
working yesterday" is still about data).

The bands are written by hand, by approximate frequency in everyday speech and writing (the first
band the content words every conversation uses, the second common ones; ~1,050 English and ~630
Spanish words in all), folded as ``text.fold`` folds (no accents), in base forms plus irregular
forms Snowball does not reduce. They are data, like the lexicons; ``specificity`` stems them once per
language. A word missing from them counts as specific (1.0): the behaviour without them.
"""

from __future__ import annotations

from functools import cache

from parley.language import base_language
from parley.language.stems import stem_words

# The weight of a stem in each band, against 1.0 for a word general language seldom uses.
VERY_COMMON = 0.35
COMMON = 0.65

_EN_VERY_COMMON = """
be have do say get make go know take see come think look want give use find tell ask work seem feel
try leave call need become put mean keep let begin show hear play run move live believe hold bring
happen write sit stand lose pay meet include continue set learn change lead understand watch follow
stop create speak read allow add spend grow open walk win offer remember love consider appear buy
wait serve die send expect build stay fall cut reach kill remain suggest raise pass sell require
decide pull return explain hope carry break receive agree hit eat cover catch choose cause listen
close increase teach fill drive sleep miss hang rise save finish wish check deal help start turn end
like plan fix went gone came took bought brought thought told said made found gave got left felt
kept held stood sat lost paid met sent spent built broke fell ran wrote written seen known taken
given done doing does did goes saw knew began shown heard told thing time year people way day man
woman life child children world school state family student group country problem hand part place
case week company system number night point home water room mother area money story fact month lot
right study book eye job word business issue side kind head house service friend father power hour
game line end member car city name team minute idea kid body information back parent face level
office door health person war history party result morning reason girl guy boy moment air teacher
food news music phone love price love good new first last long great little own old big high
different small large next early young important few bad best better sure free full real whole
hard late easy true strong possible clear low fine happy nice cool ready cheap quick fast slow
simple short special wrong hot cold today yesterday tonight tomorrow always never often sometimes
usually already still again almost soon probably anyone everyone everything nothing someone
something anywhere everywhere somewhere way ways lots alot today week weekend year years minute
hours days months weeks times things people guys friend friends mom mum dad wife husband son daughter
brother sister baby boyfriend girlfriend kids thanks sorry yes okay fine well hey hi hello
"""

_EN_COMMON = """
account act action activity address admit advice afford afternoon age ago agent air alone amount
animal answer app apply approach arrive art article attack attention available average avoid award
away bag ball bank bar base bath beach beat beautiful bed beer behind bill bird birth bit black
blood blue board boat bottom box brain bread breakfast bright brown budget burn bus busy buy cake
calm camera campaign cancel capital card care career carry cash cat catch centre center chair
challenge chance channel charge chat cheap cheese chicken choice church class clean client climate
clock clothes cloud club coach coast code coffee collect college colour color comment common
community compare complete computer concern condition confirm connect connection contact contract
control cook cookie cool copy corner cost couple course court cousin crazy create credit crime cross
cry culture cup customer cycle damage dance danger dark data date dead dear death debt decision
deep degree delay deliver delivery dentist depend describe design desk detail device difference
dinner direct direction dirty discount discuss disease doctor dog dollar double doubt download dream
dress drink driver drop dry due dump early earn earth east easy edge education effect effort egg
electric electricity email empty energy engine enjoy enter entire environment error escape euro
evening event exact exam example exchange excuse exercise exist expensive experience expert express
extra eye fail fair famous fan far farm fashion fat fault favourite favorite fear fee feeling
female field fight figure file film final finance fine finger fire fish fit flat flight floor
flower fly focus foot football force forget form fresh fridge front fruit fuel fun funny future
garden gas gate gift glass goal god gold golf grade green ground guess gun hair half hall happen
hat health heart heat heavy hell hero hide hill history hit hobby hold holiday hole horse hospital
host hot hotel husband ice image income industry inside install interest internet interview iron
island item jacket join joke journey judge juice jump key kill kind king kitchen knee knife lady
lake land language laptop law lawyer lay lazy leader learn leave leg lesson letter library lie
light limit link list load loan local lock lose loud luck lunch machine mail main male manage
manager map mark marry match material matter meal meat medicine meet meeting memory menu message
metal middle milk mind mine minute mirror miss mistake mobile model modern moment monday moon mouse
mouth movie mum murder music nail name nation natural nature neck neighbour neighbor network
normal north nose note notice nurse object ocean offer officer oil online option orange order
outside owner pack page pain paint pair paper park partner party password past path patient pay
payment peace pen pencil percent period pet photo piano pick picture piece pig pink pizza plane
plant plastic plate player pocket police policy pool poor popular position post pound practice
prepare present president press pretty print prison private prize produce product professor
profile program project promise property protect proud provide pub public pull purple push quality
queen question quiet race radio rain range rate reach react reality receipt record red refund
relationship religion remove rent repair reply report request rest restaurant review rich ride
ring risk river road rock role roof round rule safe salary sale salt sand sauce save scene school
science score screen sea search season seat second secret section security sell sense series
serious session shape share sharp shirt shock shoe shop shopping shot shoulder show shower sick
sign signal silver simple sing single sir site size skin sky sleep smell smile smoke snow social
soft software soldier solution song sound soup south space speed spirit sport spot spring square
staff stage star station stay steal step stick stock stone store storm straight strange street
stress student style subject success sugar suit summer sun supply surprise sweet swim switch table
talk task taste tax taxi tea team tear technology teeth telephone television tell term test text
theory thick thin ticket tie tip tired title toilet tomato tool top total touch tour town toy track
trade traffic train travel tree trip trouble truck trust truth try tv type uncle union unit upset
user usual valley value video view village visit voice vote wage walk wall war wash waste watch
wave weak wear weather website wedding weekend weight west wheel white wide wife wild wind window
wine winter wish wood worry write yard yellow young
"""

_ES_VERY_COMMON = """
ser estar tener hacer poder decir ir ver dar saber querer llegar pasar deber poner parecer quedar
creer hablar llevar dejar seguir encontrar llamar venir pensar salir volver tomar conocer vivir
sentir tratar mirar contar empezar esperar buscar entrar trabajar escribir perder entender pedir
recordar terminar aparecer conseguir comenzar servir sacar necesitar mantener leer caer
cambiar presentar crear abrir acabar ganar traer morir aceptar explicar preguntar tocar estudiar
correr usar pagar ayudar gustar jugar escuchar ofrecer intentar decidir olvidar comer mostrar mover
continuar cerrar funcionar andar comprar vender arreglar mandar enviar subir bajar dormir fue era
hizo hice tiene tengo tienes puede puedo puedes podemos pueden quiero quieres dijo dije voy va vas
hay sabe se ves vez tiempo ano anos dia dias vida hombre mujer mundo casa parte cosa cosas pais
forma caso momento lugar persona personas trabajo hora horas noche manera agua punto ciudad padre
madre hijo hija hijos familia nombre problema mano historia nino ninos semana semanas mes meses
grupo lado ejemplo gente fin amigo amiga amigos idea tipo cabeza calle escuela servicio cambio juego
numero dinero precio tarde cuerpo camino guerra razon palabra pregunta respuesta empresa libro
musica comida carro coche auto telefono cel celular papa mama esposo esposa novio novia bueno buena
buenos nuevo nueva grande gran mismo mejor peor primero primera ultimo largo alto alta bajo pequeno
viejo joven importante posible claro cierto solo propio facil dificil rapido lento caro cara barato
barata libre lleno real bien mal siempre nunca ahora hoy ayer luego despues antes temprano todavia
casi tanto otra vez veces ahorita rato favor gracias perdon hola oye bien mal listo chido padre
pido pide piden pidio entiendo entiende entienden entendi quise quiso puse puso vengo viene vienen
digo dice dicen sigo sigue siguen vuelvo vuelve vuelven uso usa usan usas juega duermo siento siente
pienso piensa encuentro encuentra gusta gusto encanta encanto prefiero prefiere importa importar
quedar queda quedo caber cabe falta faltar sale salio vale valer tardar tarda durar dura aguantar
aguanta bonito bonita lindo linda feo fea chico chica chiquito chiquita sencillo sencilla simple
normal igual diferente distinto distinta varios varias completo completa entero entera verdad
malo mala junto juntos juntas mayor menor seguro segura raro rara perfecto perfecta genial excelente
"""

_ES_COMMON = """
abrigo abogado accidente aceite actividad actor acuerdo agua aire alegria almuerzo alumno amor
animal aplicacion app apoyo arbol arena arroz arte articulo asunto atencion autobus avion ayuda azul
bailar banco bano barco barrio bebe bebida beber bicicleta billete blanco boca boda bolsa bosque
brazo cafe caja calor cama camara camion camisa campo cancion cansado capital cara carne carta
cartera cena centro cerca cerveza cielo cine clase clave cliente clima cocina codigo color comer
compania compra computadora comprar comunidad concierto condicion conexion conectar contrasena
contrato control copia correo corazon costo crecer credito crisis cuadro cuarto cuenta cuento
cuidado culpa cultura cumpleanos curso dano dato datos deporte derecho desayuno descuento deuda
dibujo diente dieta direccion disco doctor documento dolor dulce economia edad edificio educacion
ejercicio electricidad elegir empleado empleo energia enfermo entrada equipo error escribir espacio
espalda espejo esquina estacion estilo estrella estudiante examen exito experiencia extra facil
factura falta fecha feliz fiesta fila final flor fondo foto frio fruta fuego fuerte futbol futuro
ganas gas gasolina gato gobierno gordo gripa guapo guitarra habitacion helado hermano hermana hielo
hierro hospital hotel huevo iglesia imagen impuesto informacion interes internet invierno isla
jardin jefe juego jugo lado lago lapiz leche lengua ley libre limite limpio linea lista llamada
llave lluvia local loco luz madera maestro maleta mapa mar marca mascota medico medio
mensaje mercado mesa metro miedo minuto modelo moneda montana moto movil muerte mueble mujer multa
museo nacional naranja negocio negro nieve nivel noticia noticias nube oferta oficina ojo olor
opcion orden oro otono paciente pagina paisaje pajaro palabra pan pantalla pantalon papel paquete
parque partido pasaporte pastel pelicula pelo pelota pendiente perro pescado peso pie piedra pierna
piso plan planta plata plato playa plaza pobre policia politica pollo premio presidente primavera
prisa producto profesor programa proyecto pueblo puerta quejas queso radio raton recibo red regalo
reloj renta reparar resultado revista rio rojo ropa rosa ruido sala salario salud sangre seguro
senal senor senora serie servicio silla sistema sitio sobre sol sueldo sueno suerte supermercado
tarea tarjeta taxi taza teatro techo tele television tema temporada tienda tierra tio tia torta
trafico traje tren triste universidad vacaciones vaso vecino vecina velocidad venta ventana verano
verde vestido viaje video viento vino visita voz vuelo zapato zona
amable amplio amplia ancho ancha angosto estrecho estrecha mediano mediana comodo comoda elegante
moderno moderna clasico clasica resistente debil ligero ligera pesado pesada duro dura suave sucio
sucia tranquilo tranquila contento contenta enojado enojada preocupado preocupada harto harta
aburrido aburrida brusco brusca travieso traviesa tremendo increible horrible terrible padrisimo
buenisimo grandote hermoso hermosa precioso preciosa sencillito urgente util practico practica
odiar amar encantar preferir molestar preocupar interesar checar revisar avisar contestar responder
regalar limpiar lavar cocinar cenar desayunar manejar caminar nadar visitar mudar mudarse mudamos
casar casarse aprender ensenar practicar descansar platicar chatear sentar levantar acostar
despertar vestir armar decorar pintar construir disfrutar festejar celebrar invitar recibir
mentira duda dudas informes detalle detalles opciones reunion reuniones visitas invitados fiestas
navidad domingo primo prima sobrino sobrina nieto nieta abuelo abuela suegro suegra compa compas
cuate cuates vecinos depa departamento apartamento edificio fotos foto instagram insta facebook
jaja jajaja jeje xd neta wey guey orale chale uy ay
"""

_BANDS = {"en": (_EN_VERY_COMMON, _EN_COMMON), "es": (_ES_VERY_COMMON, _ES_COMMON)}


@cache
def general_words(language: str) -> frozenset[str]:
    """Every everyday word of the language's bands (folded): words that are never typos."""
    very_common, common = _BANDS.get(base_language(language), ("", ""))
    return frozenset(very_common.split()) | frozenset(common.split())


@cache
def specificity(language: str) -> dict[str, float]:
    """Stem → weight (``VERY_COMMON`` or ``COMMON``) for the everyday stems of a language; a stem
    not listed weighs 1.0. Where two bands share a stem, the more common one wins."""
    very_common, common = _BANDS.get(base_language(language), ("", ""))
    weights: dict[str, float] = {}
    for band, weight in ((common, COMMON), (very_common, VERY_COMMON)):
        words = sorted(set(band.split()))
        for stem in stem_words(words, base_language(language)):
            weights[stem] = min(weight, weights.get(stem, 1.0))
    return weights
